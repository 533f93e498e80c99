import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { PRODUCTION_HASH_PREFIX } from '../../test/password-hashing';
import {
  PRODUCTION_PASSWORD_HASHING,
  passwordVerifications,
  setPasswordHashingForTests,
  type PasswordHashing,
} from './secrets';

/** The body of a refused sign-in, as a client sees it. */
const answer = async (http: HttpClient, username: string, password?: string) => {
  const r = await http.login(username, password);
  return { status: r.status, body: r.body as unknown };
};

describe.each(DIALECTS)('X-4 sign-in tells nothing on %s', (dialect) => {
  let t: TestApp;
  let testHashing: PasswordHashing | undefined;
  afterEach(async () => {
    if (testHashing) setPasswordHashingForTests(testHashing);
    testHashing = undefined;
    await t?.close();
  });

  it('X-4 one answer: a wrong password, an unknown user name and a locked account (even with the right password) get the same 401 body', async () => {
    t = await startTestApp(dialect);
    await t.seedUser('sec.admin', ['security_administrator']);
    const http = new HttpClient(t.url);
    const wrong = await answer(http, 'sec.admin', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(await answer(http, 'no.such.user', 'not the password at all')).toEqual(wrong);
    for (let i = 0; i < 4; i++) await http.login('sec.admin', 'still not the password');
    // Locked now: a wrong password, and the right one, answer exactly as before.
    expect(await answer(http, 'sec.admin', 'not the password at all')).toEqual(wrong);
    expect(await answer(http, 'sec.admin')).toEqual(wrong);
    expect(wrong.body).toMatchObject({
      error: { code: 'unauthenticated', details: { reason: 'bad_credentials' } },
    });
  });

  it('X-4 the same work: an unknown user name, a wrong password and a locked account each cost one argon2 verification at the production costs', async () => {
    // Counted, not timed: a busy machine cannot fail it, and a missing dummy verification (an
    // unknown name answered at once) or a lock checked before the password would show as a count.
    testHashing = setPasswordHashingForTests(PRODUCTION_PASSWORD_HASHING);
    // A high threshold, so the wrong passwords below do not lock the account that is not locked.
    t = await startTestApp(dialect, { LOCKOUT_THRESHOLD: '100' });
    await t.seedUser('ops', ['operations_engineer']);
    await t.seedUser('locked.user', ['operations_engineer']);
    await t.database.db.kysely
      .updateTable('users')
      .set({ locked_until: '2999-01-01T00:00:00.000Z' })
      .where('username', '=', 'locked.user')
      .execute();
    const http = new HttpClient(t.url);
    const cost = async (username: string) => {
      const before = passwordVerifications().length;
      expect((await http.login(username, 'a wrong password here')).status).toBe(401);
      return passwordVerifications().slice(before);
    };
    for (const username of ['ops', 'nobody.at.all', 'locked.user']) {
      const hashes = await cost(username);
      expect(hashes, username).toHaveLength(1);
      // The argon2id parameters are those of every stored password: the same memory, the same passes.
      expect(hashes[0].startsWith(PRODUCTION_HASH_PREFIX), `${username}: ${hashes[0]}`).toBe(true);
    }
  });

  it('X-4 a lock is shown to the security administrator, audited as identity.lock_account, and lifted by unlocking', async () => {
    t = await startTestApp(dialect);
    await t.seedUser('sec.admin', ['security_administrator']);
    await t.seedUser('sec.two', ['security_administrator']);
    const attacker = new HttpClient(t.url);
    for (let i = 0; i < 5; i++) await attacker.login('sec.admin', `guess ${i} of the password`);

    // The administrator's own right password is refused while the lock lasts …
    expect((await new HttpClient(t.url).login('sec.admin')).status).toBe(401);
    // … and the other security administrator sees the lock, with its end, and lifts it.
    const colleague = new HttpClient(t.url);
    expect((await colleague.login('sec.two')).status).toBe(200);
    const users = (await colleague.get('/api/users')).body.items as {
      id: string;
      username: string;
      lockedUntil: string | null;
    }[];
    const locked = users.find((u) => u.username === 'sec.admin')!;
    expect(locked.lockedUntil).toBe(new Date(t.clock.now().getTime() + 15 * 60_000).toISOString());
    const events = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'actor_name', 'details_json'])
      .where('action', '=', 'identity.lock_account')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entity_id: locked.id, actor_name: 'sec.admin' });
    expect(JSON.parse(events[0].details_json!)).toMatchObject({ failedAttempts: 5, rule: 'X-4 lockout' });

    expect((await colleague.post(`/api/users/${locked.id}/unlock`)).status).toBe(200);
    expect((await new HttpClient(t.url).login('sec.admin')).status).toBe(200);
  });
});
