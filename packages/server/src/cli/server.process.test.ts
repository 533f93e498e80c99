import fs from 'node:fs';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../test/databases';
import { HttpClient, TEST_PASSWORD } from '../test/test-app';
import { BURST_OF_TOKENS, CLI, spawnServer, stopServer, type ServerProcess } from '../test/server-process';

const run = promisify(execFile);

/** The first run's setup, as the link the server printed is followed in a browser. */
const setUpFirstAdministrator = (browser: HttpClient, server: ServerProcess) =>
  browser.post('/api/setup', {
    token: server.setupToken,
    username: 'sec',
    displayName: '安全管理员',
    password: TEST_PASSWORD,
  });

describe.each(DIALECTS)('the real server process on %s', (dialect) => {
  let t: TestDatabase;
  const servers: ServerProcess[] = [];
  beforeEach(async () => {
    t = await createTestDatabase(dialect, { migrate: false });
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
    await t.destroy();
  });

  it('X-4 first run from an empty data directory to a signed-in security administrator, over HTTP', async () => {
    const server = await spawnServer(t.env);
    servers.push(server);
    expect(server.stdout()).toContain('create the first security administrator');
    expect(server.setupToken).toBeTruthy();
    const browser = new HttpClient(server.url);
    expect((await setUpFirstAdministrator(browser, server)).status).toBe(200);
    expect((await browser.get('/api/auth/session')).body.user.roles).toEqual(['security_administrator']);

    // A restart on a database with users prints no setup link.
    await stopServer(server);
    const again = await spawnServer(t.env);
    servers.push(again);
    expect(again.setupToken).toBeNull();
    expect((await new HttpClient(again.url).login('sec')).status).toBe(200);
  });

  it.runIf(dialect === 'sqlite')(
    'PR-3 a second server on the same SQLite data directory refuses to start, and the first keeps its claim',
    async () => {
      const first = await spawnServer(t.env);
      servers.push(first);
      const second = await spawnServer(t.env).then(
        () => 'started',
        (e: Error) => e.message,
      );
      expect(second).toMatch(
        new RegExp(`Another ReleaseGate server \\(pid ${first.child.pid}\\) uses the data directory`),
      );
      // The refused server left the first one's claim in place: restore still refuses.
      const file = path.join(t.dataDir, 'copy.tar');
      await run('node', [CLI, 'backup', file], { env: { ...process.env, ...t.env } });
      const restore = await run('node', [CLI, 'restore', file], { env: { ...process.env, ...t.env } }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(restore).toMatchObject({ code: 2 });
      // A claim left by a killed server is taken over.
      await stopServer(first, 'SIGKILL');
      servers.push(await spawnServer(t.env));
    },
  );

  it('X-4 `releasegate admin create` prints a one-time setup link for an administrator', async () => {
    const env = { ...process.env, ...t.env, LOG_LEVEL: 'silent' };
    const { stdout } = await run('node', [CLI, 'admin', 'create', '--role', 'auditor'], { env });
    const token = decodeURIComponent(/\/setup\?token=(\S+)/.exec(stdout)![1]);
    const refused = await run('node', [CLI, 'admin', 'create', '--role', 'operations_manager'], {
      env,
    }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 2 });
    const server = await spawnServer(t.env);
    servers.push(server);
    const browser = new HttpClient(server.url);
    expect((await browser.get(`/api/setup/status?token=${encodeURIComponent(token)}`)).body).toMatchObject({
      tokenValid: true,
      role: 'auditor',
    });
    expect(
      (
        await browser.post('/api/setup', {
          token,
          username: 'aud',
          displayName: '审计员',
          password: TEST_PASSWORD,
        })
      ).body.user.roles,
    ).toEqual(['auditor']);
  });

  it('PR-3 crash consistency: SIGKILL in the middle of a burst of writes loses no acknowledged write and the chain verifies', async () => {
    const server = await spawnServer({ ...t.env, ...BURST_OF_TOKENS });
    servers.push(server);
    const admin = new HttpClient(server.url);
    expect(
      (
        await admin.post('/api/setup', {
          token: server.setupToken,
          username: 'sec',
          displayName: 'sec',
          password: TEST_PASSWORD,
        })
      ).status,
    ).toBe(200);

    const acknowledged: string[] = [];
    let killed = false;
    let next = 0;
    const worker = async () => {
      while (!killed && next < 2000) {
        const i = next++;
        try {
          const r = await admin.post('/api/tokens', {
            name: `burst-${i}`,
            scopes: ['user.read'],
            expiresInDays: 1,
          });
          if (r.status === 201) acknowledged.push(r.body.id as string);
          if (acknowledged.length >= 60 && !killed) {
            killed = true;
            server.child.kill('SIGKILL');
          }
        } catch {
          // connection reset by the kill: not acknowledged
        }
      }
    };
    await Promise.all(Array.from({ length: 12 }, worker));
    expect(killed).toBe(true);
    await new Promise<void>((resolve) =>
      server.child.exitCode !== null || server.child.signalCode !== null
        ? resolve()
        : server.child.once('exit', () => resolve()),
    );

    const restarted = await spawnServer(t.env);
    servers.push(restarted);
    const after = new HttpClient(restarted.url);
    expect((await after.login('sec')).status).toBe(200);
    const tokens: { id: string }[] = (await after.get('/api/tokens')).body.tokens;
    const present = new Set(tokens.map((x) => x.id));
    expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);

    // Every stored token has its audit event and no event refers to a token that is not there.
    const events = await t.db.kysely
      .selectFrom('audit_events')
      .select('entity_id')
      .where('action', '=', 'token.create')
      .execute();
    expect(new Set(events.map((e) => e.entity_id))).toEqual(present);

    const env = { ...process.env, ...t.env, LOG_LEVEL: 'silent' };
    const verify = await run('node', [CLI, 'audit', 'verify', '--json'], { env });
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });
  });
});

describe('what a server loads to start', () => {
  let t: TestDatabase;
  let server: ServerProcess | undefined;
  beforeEach(async () => {
    t = await createTestDatabase('sqlite', { migrate: false });
  });
  afterEach(async () => {
    if (server) await stopServer(server, 'SIGKILL');
    await t.destroy();
  });

  it('PR-2 a node starts sooner: the file, PDF, e-mail and QR-code libraries are loaded when first used, not at the start; the password list with the first password', async () => {
    const log = path.join(t.dataDir, 'packages.log');
    const preload = path.resolve(import.meta.dirname, '../test/record-packages.mjs');
    server = await spawnServer({ ...t.env, RG_PACKAGES_LOG: log, NODE_OPTIONS: `--import=${preload}` });
    const loaded = () => new Set(fs.readFileSync(log, 'utf8').split('\n'));
    // The recorder works: the server's own framework is there.
    expect(loaded()).toContain('fastify');
    const deferred = [
      'exceljs',
      'csv-parse',
      'csv-stringify',
      'csv-stringify/sync',
      'pdfkit',
      'fontkit',
      'nodemailer',
      'qrcode',
      '@zxcvbn-ts/language-common',
    ];
    expect(deferred.filter((name) => loaded().has(name))).toEqual([]);

    const browser = new HttpClient(server.url);
    expect((await setUpFirstAdministrator(browser, server)).status).toBe(200);
    expect(loaded()).toContain('@zxcvbn-ts/language-common');
  });
});
