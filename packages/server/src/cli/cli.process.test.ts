import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { HttpClient, TEST_PASSWORD } from '../test/test-app';
import { BURST_OF_TOKENS, CLI, spawnServer, stopServer, type ServerProcess } from '../test/server-process';
import { verifyChain } from '../modules/audit/audit.verify';

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
      'user.created success',
      'cli.user.roles denied',
      'cli.user.create denied',
      'token.created success',
      'token.revoked success',
      'user.disabled success',
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

  it('migrate reports a current schema; backup copies the live database (or prints the pg_dump command)', async () => {
    expect((await run('node', [CLI, 'migrate'], { env })).stdout).toContain(
      'The database schema is current.',
    );
    const target = path.join(t.dataDir, 'backups', 'copy.db');
    const backup = await run('node', [CLI, 'backup', target], { env });
    if (dialect === 'postgres') {
      expect(backup.stdout).toContain('pg_dump --format=custom');
      expect(backup.stdout).toContain('pg_restore');
    } else {
      expect(backup.stdout).toMatch(/backup written to/);
      expect(fs.existsSync(target)).toBe(true);
    }
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
    const first = await spawnServer({ ...t.env, ...BURST_OF_TOKENS });
    servers.push(first);
    const second = await spawnServer({ ...t.env, ...BURST_OF_TOKENS });
    servers.push(second);
    const a = new HttpClient(first.url);
    // The first server printed the setup link; either server accepts it (one database).
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

describe('backup and restore of the SQLite database', () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await t.destroy();
  });

  it('a backup taken while the server writes restores to a consistent, verifiable database; restore refuses while a server runs', async () => {
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
      const file = path.join(t.dataDir, 'online.db');
      await run('node', [CLI, 'backup', file], { env });
      await writes;
      const refused = await run('node', [CLI, 'restore', file], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(refused).toMatchObject({ code: 2 });
      expect(refused.stderr).toMatch(/stop it before restoring/);
      await stopServer(server);

      const restored = await run('node', [CLI, 'restore', file], { env });
      expect(restored.stdout).toMatch(/restored/);
      expect(
        JSON.parse((await run('node', [CLI, 'audit', 'verify', '--json'], { env })).stdout),
      ).toMatchObject({ ok: true });
      const bad = path.join(t.dataDir, 'not-a-db.db');
      fs.writeFileSync(bad, 'garbage');
      const refusedBad = await run('node', [CLI, 'restore', bad], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(refusedBad).toMatchObject({ code: 2 });
    } finally {
      await stopServer(server, 'SIGKILL');
    }
  });
});
