import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';

describe.each(DIALECTS)('user list pages on %s', (dialect) => {
  let t: TestApp;
  let sec: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: sec } = await appWithUser(dialect, 'sec', ['security_administrator']));
    for (let i = 0; i < 6; i++) {
      await t.seedUser(`user${i}`, [i % 2 ? 'cab_member' : 'operations_engineer']);
      if (i % 3 === 2) t.clock.advanceMinutes(1);
    }
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  const addOne = async () => {
    added++;
    await t.seedUser(`${added % 2 ? 'a' : 'z'}-added-${added}`, ['auditor']);
  };

  it('X-4 a cursor walk returns every user once, in order, while accounts are created — for each sort', async () => {
    const all = (await sec.get('/api/users?limit=200')).body;
    expect(all.total).toBe(7);
    expect(all.items.map((u: any) => u.username)).toEqual([
      'sec',
      'user0',
      'user1',
      'user2',
      'user3',
      'user4',
      'user5',
    ]);
    await expectCursorWalks(
      sec,
      '/api/users',
      ['username', '-username', 'createdAt', '-displayName'],
      addOne,
    );
    await expectCursorWalks(sec, '/api/users?role=cab_member', ['-createdAt'], addOne, 1);
  });

  it('X-4 the status filter is the server’s: locked out now, active, disabled — with the total each matches', async () => {
    const q = t.database.db.kysely;
    const later = new Date(t.clock.now().getTime() + 15 * 60_000).toISOString();
    await q.updateTable('users').set({ locked_until: later }).where('username', '=', 'user1').execute();
    await q.updateTable('users').set({ disabled: 1 }).where('username', '=', 'user2').execute();
    const names = async (query: string) => {
      const r = await sec.get(`/api/users?${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return { total: r.body.total, names: r.body.items.map((u: any) => u.username) };
    };
    expect(await names('status=locked')).toEqual({ total: 1, names: ['user1'] });
    expect(await names('status=disabled')).toEqual({ total: 1, names: ['user2'] });
    expect((await names('status=active&limit=2')).total).toBe(5);
    t.clock.advanceMinutes(16);
    expect(await names('status=locked')).toEqual({ total: 0, names: [] });
    expect((await names('status=active')).names).toContain('user1');
  });

  it('X-4 a forged cursor or one of another sort or filter is refused naming the rule; limits are 1 to 200', async () => {
    await expectForeignCursorsRefused(sec, '/api/users', 'username', 'createdAt', { role: 'cab_member' });
  });
});
