import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { HttpClient, TEST_PASSWORD } from '../test/test-app';
import {
  BURST_OF_TOKENS,
  CLI,
  spawnServer,
  spawnServers,
  stopServer,
  type ServerProcess,
} from '../test/server-process';
import { verifyChain } from '../modules/audit/audit.verify';
import { openSqlite } from '../db/database';
import { readArchive, writeArchive } from '../test/backup-archive';
import { PRODUCTION_HASH_PREFIX } from '../test/password-hashing';

const run = promisify(execFile);

/** Runs the CLI with text on standard input. */
function runWithInput(
  args: string[],
  env: NodeJS.ProcessEnv,
  input: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe.each(DIALECTS)('releasegate CLI on %s', (dialect) => {
  let t: TestDatabase;
  let env: NodeJS.ProcessEnv;
  const servers: ServerProcess[] = [];
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
    env = { ...process.env, ...t.env, LOG_LEVEL: 'silent' };
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await t.destroy();
  });

  it('X-4 RO-3 user and token commands: create, roles, disable, token create/list/revoke, every step audited', async () => {
    const created = await run(
      'node',
      [
        CLI,
        'user',
        'create',
        '--username',
        'ops',
        '--name',
        '流水线',
        '--roles',
        'operations_engineer,release_implementer',
        '--service',
      ],
      { env },
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/created service account ops .* operations_engineer, release_implementer/);

    const sod = await run('node', [CLI, 'user', 'roles', 'ops', 'system_administrator,auditor'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(sod).toMatchObject({ code: 2 });
    expect(sod.stderr).toMatch(/refused \(policy_violation\): Separation of duties/);

    const weak = await runWithInput(
      ['user', 'create', '--username', 'weak', '--name', 'w', '--roles', 'auditor'],
      env,
      'short\n',
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/at least 12 characters/);

    const token = await run(
      'node',
      [CLI, 'token', 'create', '--user', 'ops', '--name', 'gitlab', '--scopes', 'gate.check', '--days', '30'],
      { env },
    );
    expect(token.stdout.trim()).toMatch(/^rg_[A-Za-z0-9_-]{43}$/);
    const list = JSON.parse((await run('node', [CLI, 'token', 'list', '--json'], { env })).stdout) as {
      id: string;
      state: string;
      scopes: string[];
    }[];
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ state: 'active', scopes: ['gate.check'] });
    expect((await run('node', [CLI, 'token', 'revoke', list[0].id], { env })).stdout).toMatch(/revoked/);

    expect((await run('node', [CLI, 'user', 'disable', 'ops'], { env })).stdout).toMatch(/ops is disabled/);
    const users = JSON.parse((await run('node', [CLI, 'user', 'list', '--json'], { env })).stdout) as {
      username: string;
      disabled: boolean;
    }[];
    expect(users).toEqual([expect.objectContaining({ username: 'ops', disabled: true })]);

    const actions = (
      await t.db.kysely
        .selectFrom('audit_events')
        .select(['action', 'actor_name', 'outcome'])
        .orderBy('seq')
        .execute()
    ).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toEqual([
      'user.create success',
      'cli.user.roles denied',
      'cli.user.create denied',
      'token.create success',
      'token.revoke success',
      'user.disable success',
    ]);
    expect(
      (await t.db.kysely.selectFrom('audit_events').select('actor_name').executeTakeFirstOrThrow())
        .actor_name,
    ).toMatch(/^cli:/);
    expect((await verifyChain(t.db.kysely)).ok).toBe(true);
  }, 120_000);

  it('PR-3 X-1 every refused CLI action is on the audit trail under its command, with the reason', async () => {
    const person = await runWithInput(
      ['user', 'create', '--username', 'alice', '--name', '张三', '--roles', 'operations_engineer'],
      env,
      `${TEST_PASSWORD}\n`,
    );
    expect(person.code).toBe(0);
    // the CLI hashes with the production argon2id costs, though it inherits the environment
    // of the tests (VITEST), whose own process hashes cheaply (test/setup.ts).
    expect(env.VITEST).toBeTruthy();
    const { password_hash } = await t.db.kysely
      .selectFrom('users')
      .select('password_hash')
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(password_hash.startsWith(PRODUCTION_HASH_PREFIX), password_hash).toBe(true);
    const token = await run(
      'node',
      [CLI, 'token', 'create', '--user', 'alice', '--name', 'x', '--scopes', 'gate.check'],
      {
        env,
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(token).toMatchObject({ code: 2 });
    expect(token.stderr).toMatch(/refused \(forbidden\): Only alice can issue API tokens/);
    const missing = await run('node', [CLI, 'user', 'disable', 'nobody'], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(missing).toMatchObject({ code: 2 });

    const refusals = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'actor_name', 'details_json'])
      .where('outcome', '=', 'denied')
      .orderBy('seq')
      .execute();
    expect(refusals.map((r) => r.action)).toEqual(['cli.token.create', 'cli.user.disable']);
    expect(refusals[0].actor_name).toMatch(/^cli:/);
    expect(JSON.parse(refusals[0].details_json!)).toMatchObject({
      code: 'forbidden',
      details: { rule: 'X-4 tokens are issued by their owner', owner: 'alice' },
    });
    expect((await verifyChain(t.db.kysely)).ok).toBe(true);
  });

  it('PR-3 migrate reports a current schema; backup writes one archive — database, blob store, signed manifest — and is audited as system.backup', async () => {
    expect((await run('node', [CLI, 'migrate'], { env })).stdout).toContain(
      'The database schema is current.',
    );
    const target = path.join(t.dataDir, 'backups', 'copy.tar');
    const backup = await run('node', [CLI, 'backup', target], { env });
    expect(backup.stdout).toMatch(/backup written to .*copy\.tar/);
    expect(backup.stdout).toMatch(/manifest SHA-256 [0-9a-f]{64}, signed by key [0-9a-f]{16}/);
    expect((fs.statSync(target).mode & 0o777).toString(8)).toBe('600');
    const names = (await readArchive(target)).map((e) => e.name);
    expect(names).toEqual([
      dialect === 'sqlite' ? 'database/releasegate.sqlite' : 'database/releasegate.pgdump',
      'manifest.json',
    ]);
    const again = await run('node', [CLI, 'backup', target], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(again).toMatchObject({ code: 2 });
    expect(again.stderr).toMatch(/exists; a backup never overwrites a file/);
    const events = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome'])
      .where('action', 'like', '%backup%')
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { action: 'system.backup', outcome: 'success' },
      { action: 'cli.backup', outcome: 'denied' },
    ]);
  });

  it('PR-3 restore refuses a tampered archive, naming the entry, and the refusal is audited as cli.restore; the archive as written restores', async () => {
    const archive = path.join(t.dataDir, 'good.tar');
    await run('node', [CLI, 'backup', archive], { env });
    const entries = await readArchive(archive);
    const database = entries.find((e) => e.name.startsWith('database/'))!;
    database.data = Buffer.from(database.data);
    database.data[database.data.length - 1] ^= 0xff;
    const tampered = path.join(t.dataDir, 'tampered.tar');
    await writeArchive(tampered, entries);
    const refused = await run('node', [CLI, 'restore', tampered], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused).toMatchObject({ code: 2 });
    expect(refused.stderr).toContain(`${database.name}: SHA-256`);
    const denied = await t.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'details_json'])
      .where('outcome', '=', 'denied')
      .executeTakeFirstOrThrow();
    expect(denied.action).toBe('cli.restore');
    expect(JSON.parse(denied.details_json!).details.rule).toBe('PR-3 backup integrity');

    const restored = await run('node', [CLI, 'restore', archive], { env });
    expect(restored.stdout).toMatch(/restored the backup of/);
    // On PostgreSQL the schema it replaced is kept beside it, for the operator to drop.
    const kept = /schema (rg_test_\w+_before_restore_\w+)/.exec(restored.stdout)?.[1];
    expect(Boolean(kept)).toBe(dialect === 'postgres');
    if (kept) await sql`drop schema ${sql.id(kept)} cascade`.execute(t.db.kysely);
    // A new connection: on SQLite the test's own one still reads the file the restore set aside.
    const after = t.openAnother();
    const actions = (
      await after.kysely.selectFrom('audit_events').select('action').orderBy('seq').execute()
    ).map((e) => e.action);
    await after.destroy();
    // The restored trail ends where the backup was taken, then records the restore.
    expect(actions).toEqual(['system.restore']);
    expect(JSON.parse((await run('node', [CLI, 'audit', 'verify', '--json'], { env })).stdout)).toMatchObject(
      {
        ok: true,
      },
    );
  });
});

// Several server processes share one database only on PostgreSQL (SQLite is the one-node mode).
describe.each(DIALECTS.filter((d) => d === 'postgres'))('several server processes on %s', (dialect) => {
  let t: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeEach(async () => {
    t = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await t.destroy();
  });

  it('PR-3 two server processes on one PostgreSQL writing at once keep one unbroken audit chain', async () => {
    const [first, second] = await spawnServers(2, { ...t.env, ...BURST_OF_TOKENS }, servers);
    const a = new HttpClient(first.url);
    // Each server printed a setup link; either server accepts either (one database).
    const token = first.setupToken ?? second.setupToken;
    expect(
      (await a.post('/api/setup', { token, username: 'sec', displayName: 'sec', password: TEST_PASSWORD }))
        .status,
    ).toBe(200);
    const b = new HttpClient(second.url);
    expect((await b.login('sec')).status).toBe(200);
    const burst = (client: HttpClient, tag: string) =>
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.post('/api/tokens', { name: `${tag}-${i}`, scopes: ['user.read'], expiresInDays: 1 }),
        ),
      );
    const results = (await Promise.all([burst(a, 'a'), burst(b, 'b')])).flat();
    expect(results.every((r) => r.status === 201)).toBe(true);
    const verified = await verifyChain(t.db.kysely);
    expect(verified.ok).toBe(true);
    expect(verified.eventsChecked).toBeGreaterThanOrEqual(83);
  });
});

describe('restore on SQLite while a server runs', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('PR-3 a backup taken while the server writes is whole; restore refuses while the server runs (audited), and restores once it stopped', async () => {
    const env = { ...process.env, ...t.env, LOG_LEVEL: 'silent' };
    await t.db.destroy();
    const server = await spawnServer(t.env);
    try {
      const admin = new HttpClient(server.url);
      await admin.post('/api/setup', {
        token: server.setupToken,
        username: 'sec',
        displayName: 'sec',
        password: TEST_PASSWORD,
      });
      const writes = Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          admin.post('/api/tokens', { name: `t${i}`, scopes: ['user.read'], expiresInDays: 1 }),
        ),
      );
      const file = path.join(t.dataDir, 'online.tar');
      await run('node', [CLI, 'backup', file], { env });
      await writes;
      const refused = await run('node', [CLI, 'restore', file], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(refused).toMatchObject({ code: 2 });
      expect(refused.stderr).toMatch(/stop it before restoring/);
      await stopServer(server);
      const live = openSqlite(path.join(t.dataDir, 'releasegate.db'));
      const denied = await live.kysely
        .selectFrom('audit_events')
        .select('action')
        .where('outcome', '=', 'denied')
        .execute();
      await live.destroy();
      expect(denied).toEqual([{ action: 'cli.restore' }]);

      const restored = await run('node', [CLI, 'restore', file], { env });
      expect(restored.stdout).toMatch(/restored/);
      expect(restored.stdout).toMatch(/releasegate\.db\.before-restore-/);
      expect(
        JSON.parse((await run('node', [CLI, 'audit', 'verify', '--json'], { env })).stdout),
      ).toMatchObject({ ok: true });
    } finally {
      await stopServer(server, 'SIGKILL');
    }
  });
});
