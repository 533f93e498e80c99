import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { REVOCATION_BOUND_MS, timeUntil, untilRefused } from '../../test/revocation';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { CLI, spawnServer, stopServer, type ServerProcess } from '../../test/server-process';
import type { Db } from '../../db/database';
import { SESSION_COOKIE } from '../../http/cookies';
import { authenticateSession } from './auth.service';

// Decision 0028: a server process keeps the sessions and tokens it checked for up to a second.
// These tests attack that: every way who may act can change — through the API, through another
// connection (the CLI, another node, a person with SQL), with the signal lost — must reach the
// next request at once on the node that made it, and within a second everywhere.

const at = () => new Date().toISOString();

describe.each(DIALECTS)('X-4 the identity cache on %s (decision 0028)', (dialect) => {
  let t: TestApp;
  /** Another connection to the same database: what the CLI, another node or a person with SQL uses. */
  let other: Db;
  let admin: HttpClient;
  let sec: { id: string };
  beforeEach(async () => {
    t = await startTestApp(dialect, { METRICS_TOKEN: 'metrics-scrape-token-0123456789' });
    other = t.database.openAnother();
    sec = await t.seedUser('sec', ['security_administrator']);
    admin = new HttpClient(t.url);
    expect((await admin.login('sec')).status).toBe(200);
  });
  afterEach(async () => {
    await other.destroy();
    await t.close();
  });

  const me = () => admin.get(`/api/users/${sec.id}`);
  const counts = () => ({ ...t.app.identity.cache!.counts });
  /** An API token of `sec` that reads users, and a client that uses it. */
  const pipelineToken = async () => {
    const created = await admin.post('/api/tokens', {
      name: 'pipeline',
      scopes: ['user.read'],
      expiresInDays: 30,
    });
    expect(created.status).toBe(201);
    const pipeline = new HttpClient(t.url);
    pipeline.bearer = created.body.token;
    return { created, pipeline };
  };
  const minutes = (n: number) => n * 60_000;
  const moveClock = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms).toISOString());

  it('X-4 signed-in requests are answered from the cache: the session is read once, not per request', async () => {
    expect((await me()).status).toBe(200);
    const before = counts();
    for (let i = 0; i < 20; i++) expect((await me()).status).toBe(200);
    const after = counts();
    expect(after.kept - before.kept).toBe(20);
    expect(after.read - before.read).toBe(0);
  });

  it('X-4 a sign-out ends the session at once on the node that made it, though it was kept', async () => {
    expect((await me()).status).toBe(200);
    const cookie = admin.cookieHeader();
    expect((await admin.post('/api/auth/logout')).status).toBe(204);
    const replay = await fetch(`${t.url}/api/users/${sec.id}`, { headers: { cookie } });
    expect(replay.status).toBe(401);
  });

  it('X-4 a user disabled, a role taken away or a session revoked by a direct write from another connection reaches the next request within a second', async () => {
    const engineer = await t.seedUser('eng', ['operations_engineer']);
    const eng = new HttpClient(t.url);
    await eng.login('eng');
    expect((await eng.get('/api/changes')).status).toBe(200);
    expect((await me()).status).toBe(200);

    // A role taken away: the permission it gave goes with it.
    await other.kysely.deleteFrom('user_roles').where('user_id', '=', sec.id).execute();
    const roleGone = await untilRefused(async () => (await me()).status === 403);
    // Disabled: the session ends.
    await other.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', engineer.id).execute();
    const disabled = await untilRefused(async () => (await eng.get('/api/changes')).status === 401);
    // Revoked, as `releasegate` would from another process.
    await other.kysely
      .insertInto('user_roles')
      .values({ user_id: sec.id, role: 'security_administrator' })
      .execute();
    await timeUntil(async () => (await me()).status === 200);
    await other.kysely.updateTable('sessions').set({ revoked_at: at(), revoked_reason: 'test' }).execute();
    const revoked = await untilRefused(async () => (await me()).status === 401);

    for (const { ms } of [roleGone, disabled, revoked]) expect(ms).toBeLessThan(REVOCATION_BOUND_MS);
    // SQLite reads the change counter before every lookup: the very next request is refused.
    if (dialect === 'sqlite') expect([roleGone, disabled, revoked].map((r) => r.asks)).toEqual([1, 1, 1]);
  });

  it('X-4 an API token revoked or narrowed from another connection stops within a second; a touch of last use is not a change', async () => {
    const { pipeline } = await pipelineToken();
    expect((await pipeline.get(`/api/users/${sec.id}`)).status).toBe(200);

    // last_used_at moves once a minute and must not empty the cache (it is not who may act).
    const before = counts();
    await other.kysely.updateTable('api_tokens').set({ last_used_at: at() }).execute();
    await other.kysely.updateTable('sessions').set({ last_seen_at: at() }).execute();
    if (dialect === 'postgres') await new Promise((resolve) => setTimeout(resolve, 100)); // any NOTIFY would have come
    expect((await pipeline.get(`/api/users/${sec.id}`)).status).toBe(200);
    expect(counts().kept - before.kept).toBe(1);

    await other.kysely
      .updateTable('api_tokens')
      .set({ scopes: JSON.stringify(['change.read']) })
      .execute();
    const narrowed = await timeUntil(async () => (await pipeline.get(`/api/users/${sec.id}`)).status === 403);
    await other.kysely.updateTable('api_tokens').set({ revoked_at: at() }).execute();
    const revoked = await timeUntil(async () => (await pipeline.get(`/api/users/${sec.id}`)).status === 401);
    expect(Math.max(narrowed, revoked)).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('X-4 a race of 20 requests against a revocation: none started after the revocation committed is let in', async () => {
    expect((await me()).status).toBe(200);
    const cookie = admin.cookieHeader();
    const ask = async () => {
      const started = performance.now();
      const status = (await fetch(`${t.url}/api/users/${sec.id}`, { headers: { cookie } })).status;
      return { started, status };
    };
    const early = Array.from({ length: 10 }, ask);
    await other.kysely.updateTable('sessions').set({ revoked_at: at(), revoked_reason: 'test' }).execute();
    const committed = performance.now();
    // On PostgreSQL the other nodes' signal arrives by NOTIFY: the bound is a second.
    const settle = dialect === 'sqlite' ? 0 : REVOCATION_BOUND_MS;
    await new Promise((resolve) => setTimeout(resolve, settle));
    const late = await Promise.all(Array.from({ length: 10 }, ask));
    await Promise.all(early);
    expect(late.every((r) => r.started > committed && r.status === 401)).toBe(true);
  });

  it('X-4 a kept session idle too long or past its absolute end is ended by the next request; one touched on another node is not', async () => {
    const idle = minutes(t.app.identity.settings.session.idleMinutes);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200); // kept now
    // Another node touched it a minute before the idle end: the kept copy looks idle, the row does not.
    moveClock(idle - minutes(1));
    await other.kysely.updateTable('sessions').set({ last_seen_at: t.clock.now().toISOString() }).execute();
    moveClock(minutes(2));
    expect((await me()).status).toBe(200);
    // Idle, though kept (this node's own touch of a moment ago is in what it keeps).
    expect((await me()).status).toBe(200);
    moveClock(idle);
    const idled = await me();
    expect(idled.status).toBe(401);
    expect(idled.body.error.details.reason).toBe('idle_timeout');

    // The absolute end, with a session touched every minute.
    const again = new HttpClient(t.url);
    expect((await again.login('sec')).status).toBe(200);
    const absolute = minutes(t.app.identity.settings.session.absoluteHours * 60);
    for (let passed = 0; passed < absolute - minutes(20); passed += minutes(20)) {
      moveClock(minutes(20));
      expect((await again.get(`/api/users/${sec.id}`)).status).toBe(200);
    }
    moveClock(minutes(20));
    const ended = await again.get(`/api/users/${sec.id}`);
    expect(ended.status).toBe(401);
    expect(ended.body.error.details.reason).toBe('absolute_timeout');
  });

  it('X-4 a password that must change, set from another connection: the next request is sent to change it', async () => {
    expect((await me()).status).toBe(200);
    await other.kysely
      .updateTable('users')
      .set({ must_change_password: 1 })
      .where('id', '=', sec.id)
      .execute();
    const mustChange = await untilRefused(async () => (await me()).status === 422);
    expect((await me()).body.error.details.reason).toBe('password_expired');
    await other.kysely
      .updateTable('users')
      .set({ must_change_password: 0 })
      .where('id', '=', sec.id)
      .execute();
    await timeUntil(async () => (await me()).status === 200);
    if (dialect === 'sqlite') expect(mustChange.asks).toBe(1);
    expect(mustChange.ms).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('X-4 a change rolled back changes nothing; the same change committed ends the session at once', async () => {
    const db = t.database.db.kysely;
    expect((await me()).status).toBe(200);
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('users').set({ disabled: 1 }).where('id', '=', sec.id).execute();
        throw new Error('rolled back');
      })
      .catch(() => {});
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    await db.updateTable('users').set({ disabled: 1 }).where('id', '=', sec.id).execute();
    expect((await me()).status).toBe(401);
  });

  it('X-4 with its signals removed by someone with SQL, a change still reaches every request within the second the cache keeps anything', async () => {
    const triggers = await (
      dialect === 'sqlite'
        ? sql<{ name: string; on: string }>`select name, tbl_name as "on" from sqlite_master
          where type = 'trigger' and name like 'identity_epoch_%'`
        : sql<{ name: string; on: string }>`select tgname as name, relname as "on" from pg_trigger
          join pg_class on pg_class.oid = tgrelid where relnamespace = current_schema()::regnamespace
          and tgname like 'identity_changed_%'`
    ).execute(other.kysely);
    expect(triggers.rows.length).toBe(dialect === 'sqlite' ? 9 : 6);
    for (const { name, on } of triggers.rows)
      await sql.raw(`drop trigger ${name}${dialect === 'postgres' ? ` on ${on}` : ''}`).execute(other.kysely);
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    // What is kept was read before this moment; nothing is let in later than the bound after it
    // (a request's own time, however loaded the machine, does not count against the cache).
    const changed = performance.now();
    await other.kysely.deleteFrom('user_roles').where('user_id', '=', sec.id).execute();
    let lastLetIn = 0;
    await timeUntil(async () => {
      const asked = performance.now() - changed;
      const refused = (await me()).status === 403;
      if (!refused) lastLetIn = asked;
      return refused;
    });
    expect(lastLetIn).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it('X-4 /metrics counts lookups kept, read and bypassed; unknown sessions and tokens are read every time and never kept', async () => {
    expect((await me()).status).toBe(200);
    expect((await me()).status).toBe(200);
    const before = counts();
    for (let i = 0; i < 5; i++) {
      const guess = new HttpClient(t.url);
      guess.bearer = `rg_guess${i}`;
      expect((await guess.get(`/api/users/${sec.id}`)).status).toBe(401);
      expect((await guess.get(`/api/users/${sec.id}`)).status).toBe(401);
      const cookie = `${SESSION_COOKIE}=guess${i}`;
      expect((await fetch(`${t.url}/api/users/${sec.id}`, { headers: { cookie } })).status).toBe(401);
    }
    expect(counts().read - before.read).toBe(15);
    expect(counts().kept - before.kept).toBe(0);
    const scrape = await fetch(`${t.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-scrape-token-0123456789' },
    });
    const text = await scrape.text();
    const now = counts();
    for (const outcome of ['kept', 'read', 'bypassed'] as const)
      expect(text).toContain(`releasegate_identity_lookups_total{outcome="${outcome}"} ${now[outcome]}`);
  });

  it('X-4 `releasegate user roles` and `releasegate token revoke` run in another process: the server knows at the next request (SQLite), within a second (PostgreSQL)', async () => {
    const { created, pipeline } = await pipelineToken();
    const asPipeline = () => pipeline.get(`/api/users/${sec.id}`);
    // A second administrator (the CLI keeps at least one).
    await t.seedUser('sec2', ['security_administrator']);
    const second = new HttpClient(t.url);
    expect((await second.login('sec2')).status).toBe(200);
    const asSecond = () => second.get(`/api/users/${sec.id}`);
    for (let i = 0; i < 2; i++) {
      expect((await asSecond()).status).toBe(200);
      expect((await asPipeline()).status).toBe(200);
    }
    const cli = (...args: string[]) =>
      promisify(execFile)('node', [CLI, ...args], {
        env: { ...process.env, ...t.database.env, LOG_LEVEL: 'silent' },
      });
    await cli('token', 'revoke', created.body.id);
    const revoked = await untilRefused(async () => (await asPipeline()).status === 401);
    await cli('user', 'roles', 'sec2', 'operations_engineer');
    const narrowed = await untilRefused(async () => (await asSecond()).status === 403);
    if (dialect === 'sqlite') expect([revoked.asks, narrowed.asks]).toEqual([1, 1]);
    expect(Math.max(revoked.ms, narrowed.ms)).toBeLessThan(REVOCATION_BOUND_MS);
  });

  it.skipIf(dialect === 'sqlite')(
    'X-4 a request racing a revocation of this node keeps nothing past its commit: the next request is refused (one SQLite connection lets no read in between)',
    async () => {
      const token = admin.cookie(SESSION_COOKIE)!;
      for (let round = 0; round < 5; round++) {
        expect((await authenticateSession(t.app.identity, token)).principal).not.toBeNull();
        // This node revokes the session in a transaction (as a sign-out does with its audit event)...
        const trx = await t.database.db.kysely.startTransaction().execute();
        await trx
          .updateTable('sessions')
          .set({ revoked_at: new Date().toISOString(), revoked_reason: 'test' })
          .execute();
        // ...and a request of the same session reads the row, still as it was, before the commit.
        expect((await authenticateSession(t.app.identity, token)).principal).not.toBeNull();
        await trx.commit().execute();
        // Committed: nothing may let the session in now, NOTIFY or not.
        expect((await authenticateSession(t.app.identity, token)).principal).toBeNull();
        await t.database.db.kysely
          .updateTable('sessions')
          .set({ revoked_at: null, revoked_reason: null })
          .execute();
      }
    },
  );
});

// Several nodes share one database only on PostgreSQL (SQLite is the one-node mode): skipped
// unless TEST_DATABASE_URL names a PostgreSQL server (CI always does).
const postgres = DIALECTS.includes('postgres');

describe('X-4 the identity cache across server nodes on postgres (decision 0028)', () => {
  let t: TestApp;
  let node2: ServerProcess | undefined;
  beforeEach(async () => {
    if (!postgres) return;
    t = await startTestApp('postgres');
    // The other node runs on the real clock: so does this one, or its sessions look old there.
    t.clock.set(new Date().toISOString());
  });
  afterEach(async () => {
    if (node2) await stopServer(node2, 'SIGKILL');
    node2 = undefined;
    if (postgres) await t.close();
  });

  /** `sec` signed in on this node, the session checked once. */
  const signedIn = async () => {
    const sec = await t.seedUser('sec', ['security_administrator']);
    const admin = new HttpClient(t.url);
    expect((await admin.login('sec')).status).toBe(200);
    const me = () => admin.get(`/api/users/${sec.id}`);
    expect((await me()).status).toBe(200);
    return { sec, me };
  };
  /** Until the node answers from what it keeps again (it listens). */
  const keepsAgain = (me: () => Promise<unknown>) =>
    timeUntil(async () => {
      const before = t.app.identity.cache!.counts.kept;
      await me();
      await me();
      return t.app.identity.cache!.counts.kept > before;
    });

  it.skipIf(!postgres)(
    'X-4 a sign-out on one node ends the session on the other within a second, though the other kept it',
    async () => {
      const sec = await t.seedUser('sec', ['security_administrator']);
      node2 = await spawnServer({ ...t.database.env, JOBS_ENABLED: 'false' });
      const one = new HttpClient(t.url);
      expect((await one.login('sec')).status).toBe(200);
      const two = one.at(node2.url);
      // Both nodes have checked the session and keep it.
      for (let i = 0; i < 3; i++) {
        expect((await one.get(`/api/users/${sec.id}`)).status).toBe(200);
        expect((await two.get(`/api/users/${sec.id}`)).status).toBe(200);
      }
      const cookie = one.cookieHeader();
      expect((await one.post('/api/auth/logout')).status).toBe(204);
      const ms = await timeUntil(
        async () =>
          (await fetch(`${node2!.url}/api/users/${sec.id}`, { headers: { cookie } })).status === 401,
      );
      expect(ms).toBeLessThan(REVOCATION_BOUND_MS);
    },
  );

  it.skipIf(!postgres)(
    'X-4 20 requests on each of two nodes race a token revoked through the API: after the answer none is let in on the node that revoked it, nor a second later on the other',
    async () => {
      const sec = await t.seedUser('sec', ['security_administrator']);
      node2 = await spawnServer({ ...t.database.env, JOBS_ENABLED: 'false' });
      const admin = new HttpClient(t.url);
      expect((await admin.login('sec')).status).toBe(200);
      const created = await admin.post('/api/tokens', {
        name: 'pipeline',
        scopes: ['user.read'],
        expiresInDays: 30,
      });
      expect(created.status).toBe(201);
      const ask = async (node: string) =>
        (
          await fetch(`${node}/api/users/${sec.id}`, {
            headers: { authorization: `Bearer ${created.body.token}` },
          })
        ).status;
      const nodes = [t.url, node2.url];
      for (const node of nodes) for (let i = 0; i < 3; i++) expect(await ask(node)).toBe(200);
      const racing = nodes.flatMap((node) => Array.from({ length: 20 }, () => ask(node)));
      expect((await admin.post(`/api/tokens/${created.body.id}/revoke`)).status).toBe(200);
      const here = await Promise.all(Array.from({ length: 20 }, () => ask(t.url)));
      expect(here.every((status) => status === 401)).toBe(true);
      const there = await timeUntil(async () =>
        (await Promise.all(Array.from({ length: 20 }, () => ask(node2!.url)))).every(
          (status) => status === 401,
        ),
      );
      expect(there).toBeLessThan(REVOCATION_BOUND_MS);
      for (const status of await Promise.all(racing)) expect([200, 401]).toContain(status);
    },
  );

  it.skipIf(!postgres)(
    'X-4 the database restarted (every backend of the app ended): requests recover, a change meanwhile is seen, and the node keeps sessions again once it listens',
    async () => {
      const { sec, me } = await signedIn();
      await sql`select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`.execute(t.database.db.kysely);
      // The pool replaces its connections; the listener comes back a second later.
      await timeUntil(async () => (await me()).status === 200);
      const another = t.database.openAnother();
      try {
        await another.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', sec.id).execute();
        expect(await timeUntil(async () => (await me()).status === 401)).toBeLessThan(REVOCATION_BOUND_MS);
      } finally {
        await another.destroy();
      }
      // Listening again: what it keeps is what the database says now.
      await keepsAgain(me);
      expect((await me()).status).toBe(401);
    },
  );

  it.skipIf(!postgres)(
    'X-4 with its LISTEN connection cut, a node keeps nothing until it listens again, and a revocation meanwhile is still seen',
    async () => {
      const { sec, me } = await signedIn();
      const listeners = () =>
        sql<{ pid: number }>`select pid from pg_stat_activity
          where query = ${`LISTEN "releasegate_identity_${t.database.db.schema}"`}`.execute(
          t.database.db.kysely,
        );
      const [listener] = (await listeners()).rows;
      expect(listener).toBeDefined();
      // Cut: the server's connection ends; until the node notices, the one-second bound holds.
      await sql`select pg_terminate_backend(${listener.pid})`.execute(t.database.db.kysely);
      const cache = t.app.identity.cache!;
      await timeUntil(async () => {
        const before = cache.counts.bypassed;
        await me();
        return cache.counts.bypassed > before;
      });
      // Not listening: every request reads the database, so a revocation from elsewhere is seen at once.
      const another = t.database.openAnother();
      try {
        await another.kysely.deleteFrom('user_roles').where('user_id', '=', sec.id).execute();
        expect((await me()).status).toBe(403);
        await another.kysely
          .insertInto('user_roles')
          .values({ user_id: sec.id, role: 'security_administrator' })
          .execute();
      } finally {
        await another.destroy();
      }
      // It listens again (a second later) and keeps sessions again.
      await timeUntil(async () => (await listeners()).rows.length === 1);
      await keepsAgain(me);
    },
  );
});
