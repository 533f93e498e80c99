import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { startServer, type RunningServer } from '../server';
import { HttpClient, TEST_PASSWORD } from '../test/test-app';
import { TEST_DATABASE_URL, tempDir } from '../test/databases';
import { openPostgres, type Db } from './database';
import { firstRunSetupLink } from '../modules/identity/auth.service';
import { systemContext } from '../context';

/**
 * PostgreSQL only: roles are PostgreSQL's; on SQLite whoever holds the file holds everything,
 * which docs/security.md says.
 */
describe.runIf(TEST_DATABASE_URL)('the server as a PostgreSQL role that owns nothing', () => {
  const id = randomBytes(6).toString('hex');
  // Named like every test schema, so the retry of a concurrent drop (test/databases.ts) applies.
  const schema = `rg_test_${id}`;
  const role = `rg_app_${id}`;
  let admin: pg.Client;
  let server: RunningServer;
  let asApp: Db;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.query(`create role ${role} login`);
    const appUrl = new URL(TEST_DATABASE_URL!);
    appUrl.username = role;
    appUrl.searchParams.set('schema', schema);
    const ownerUrl = new URL(TEST_DATABASE_URL!);
    ownerUrl.searchParams.set('schema', schema);
    const config = loadConfig({
      DATABASE_URL: appUrl.toString(),
      DATABASE_MIGRATION_URL: ownerUrl.toString(),
      DATA_DIR: tempDir(),
      PORT: '0',
      WEB_DIST_DIR: '/nonexistent',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    });
    server = await startServer(config, { logger: false, print: () => undefined });
    asApp = openPostgres(appUrl.toString().replace(`?schema=${schema}`, ''), { schema });
  });
  afterAll(async () => {
    await server?.close();
    await asApp?.destroy();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.query(`drop owned by ${role}`);
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
  });

  it('PR-3 X-1 migrations run as the owner; the server works as the application role', async () => {
    const owner = await admin.query<{ owner: string }>(
      `select tableowner as owner from pg_tables where schemaname = $1 and tablename = 'audit_events'`,
      [schema],
    );
    expect(owner.rows[0].owner).not.toBe(role);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it.each([
    ['truncate the audit trail', sql`truncate audit_events`, /permission denied/],
    ['delete an audit event', sql`delete from audit_events`, /permission denied/],
    ['update an audit event', sql`update audit_events set action = 'forged'`, /permission denied/],
    ['drop the guard trigger', sql`drop trigger audit_events_no_update on audit_events`, /must be owner/],
    ['disable the triggers', sql`alter table audit_events disable trigger all`, /must be owner/],
    ['drop the audit table', sql`drop table audit_events`, /must be owner/],
    [
      'forge a migration',
      sql`insert into kysely_migration (name, timestamp) values ('x', 'y')`,
      /permission denied/,
    ],
  ])('PR-3 X-1 the application role cannot %s', async (_, statement, refusal) => {
    await expect(statement.execute(asApp.kysely)).rejects.toThrow(refusal);
  });

  it('PR-3 X-1 the application role signs in the first administrator and writes the audit trail', async () => {
    const http = new HttpClient(server.url);
    const fresh = await firstRunSetupLink(server.app.identity, systemContext());
    const token = decodeURIComponent(/token=([^&\s]+)/.exec(fresh!.url)![1]);
    const setup = await http.post('/api/setup', {
      token,
      username: 'sec',
      displayName: '安全管理员',
      password: TEST_PASSWORD,
    });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    const created = await http.post('/api/users', {
      username: 'aud',
      displayName: '审计员',
      roles: ['auditor'],
      password: 'Initial-password-2026',
    });
    expect(created.status).toBe(201);
    const events = await admin.query<{ n: number }>(`select count(*)::int as n from ${schema}.audit_events`);
    expect(events.rows[0].n).toBeGreaterThan(2);
  });
});
