import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';

describe.each(DIALECTS)('CI list pages on %s', (dialect) => {
  let t: TestApp;
  let cfg: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: cfg } = await appWithUser(dialect, 'cfg', ['configuration_administrator']));
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const ci = async (type: string, name: string, environment = 'production') => {
    const r = await cfg.post('/api/cmdb/cis', { type, name, environment });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
  };
  const addOne = async () => {
    added++;
    await ci('application', `${added % 2 ? 'a' : 'z'}-added-${added}`);
  };

  it('CM-1 a cursor walk returns every CI once, in order, while CIs are created — by name or last change, filtered or not', async () => {
    // The same name in two environments: ties on the name are broken by the id.
    for (let i = 0; i < 4; i++) {
      await ci('application', `app-${i % 2}`, i < 2 ? 'production' : 'test');
      if (i % 2) t.clock.advanceMinutes(1);
    }
    await ci('database', 'db-main');
    const byName = (await cfg.get('/api/cmdb/cis?limit=200')).body;
    expect(byName.items.map((c: any) => c.name)).toEqual(['app-0', 'app-0', 'app-1', 'app-1', 'db-main']);
    await expectCursorWalks(cfg, '/api/cmdb/cis', ['name', '-name', 'updatedAt', '-updatedAt'], addOne);
    await expectCursorWalks(
      cfg,
      '/api/cmdb/cis?type=application&environment=production',
      ['name'],
      addOne,
      1,
    );
  });

  it('CM-1 a forged cursor or one of another sort or filter is refused naming the rule; limits are 1 to 200', async () => {
    for (const name of ['a', 'b', 'c']) await ci('application', name);
    await expectForeignCursorsRefused(cfg, '/api/cmdb/cis', 'name', '-updatedAt', { type: 'database' });
    // A cursor of the earlier CMDB-only shape is not taken either.
    const old = Buffer.from(JSON.stringify(['a', 'some-id'])).toString('base64url');
    expect((await cfg.get(`/api/cmdb/cis?cursor=${old}`)).body.error.details.reasons[0].reasonCode).toBe(
      'cursor_invalid',
    );
  });
});
