import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';

describe.each(DIALECTS)('DSL version list pages on %s', (dialect) => {
  let t: TestApp;
  let eng: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: eng } = await appWithUser(dialect, 'eng', ['operations_engineer']));
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const register = async (name: string, version: string) => {
    const r = await eng.post('/api/dsl/versions', { name, version });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  };
  /** Versions of three names, three registered at each moment (ties on the time). */
  const seed = async () => {
    for (let i = 0; i < 8; i++) {
      await register(['billing', 'crm', 'auth'][i % 3], `1.${i}.0`);
      if (i % 3 === 2) t.clock.advanceMinutes(1);
    }
  };
  const addOne = async () => {
    added++;
    await register(added % 2 ? 'aaa' : 'zzz', `9.${added}.0`);
  };

  it('DS-1 a cursor walk returns every version once, in order, while versions are registered — for each sort', async () => {
    await seed();
    const byName = (await eng.get('/api/dsl/versions?sort=name&limit=200')).body;
    expect(byName.total).toBe(8);
    expect(byName.items.map((v: any) => `${v.name} ${v.version}`)).toEqual([
      'auth 1.2.0',
      'auth 1.5.0',
      'billing 1.0.0',
      'billing 1.3.0',
      'billing 1.6.0',
      'crm 1.1.0',
      'crm 1.4.0',
      'crm 1.7.0',
    ]);
    await expectCursorWalks(
      eng,
      '/api/dsl/versions',
      ['-createdAt', 'createdAt', 'name', '-name', 'version'],
      addOne,
    );
    await expectCursorWalks(eng, '/api/dsl/versions?name=billing', ['-version'], addOne, 1);
  });

  it('DS-1 a forged cursor or one of another sort or filter is refused naming the rule; limits are 1 to 200', async () => {
    await seed();
    await expectForeignCursorsRefused(eng, '/api/dsl/versions', 'name', '-name', { state: 'draft' });
    expect((await eng.get('/api/dsl/versions?sort=size')).status).toBe(400);
  });
});
