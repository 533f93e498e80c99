import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, tempDir } from '../test/databases';
import { CLI } from '../test/server-process';
import { pgConnection, runPg } from './pg-tools';

const run = promisify(execFile);

/**
 * PostgreSQL only: roles and passwords are PostgreSQL's. The test server trusts local
 * connections, so the passwords below are never checked — which lets the test give each role one
 * and look for it everywhere it must not appear.
 */
describe.runIf(TEST_DATABASE_URL)('backups with PostgreSQL roles and passwords', () => {
  const id = randomBytes(5).toString('hex');
  const schema = `rg_test_backup_${id}`;
  const role = `rg_app_${id}`;
  const ownerSecret = `owner-pw-${id}`;
  const appSecret = `app-pw-${id}`;
  let admin: pg.Client;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  /** The test database as `user` (the owner by default) with a password, in the test's schema. */
  const urlAs = (password: string, user?: string) => {
    const url = new URL(TEST_DATABASE_URL!);
    if (user) url.username = user;
    url.password = password;
    url.searchParams.set('schema', schema);
    return url.toString();
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}; create role ${role} login`);
    dataDir = tempDir();
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      DATABASE_URL: urlAs(appSecret, role),
      DATABASE_MIGRATION_URL: urlAs(ownerSecret),
      LOG_LEVEL: 'silent',
    };
  });
  afterAll(async () => {
    const { rows } = await admin.query<{ nspname: string }>(
      'select nspname from pg_namespace where nspname like $1',
      [`${schema}%`],
    );
    for (const r of rows) await admin.query(`drop schema ${r.nspname} cascade`);
    await admin.query(`drop owned by ${role}`);
    await admin.query(`drop role if exists ${role}`);
    await admin.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const privileges = async (table: string) => {
    const { rows } = await admin.query<Record<string, boolean | string>>(
      `select t.tableowner as owner,
        has_table_privilege($1, $2, 'SELECT') as select, has_table_privilege($1, $2, 'INSERT') as insert,
        has_table_privilege($1, $2, 'UPDATE') as update, has_table_privilege($1, $2, 'TRUNCATE') as truncate
       from pg_tables t where t.schemaname = $3 and t.tablename = $4`,
      [role, `${schema}.${table}`, schema, table],
    );
    return rows[0];
  };

  it('PR-3 X-1 the backup dumps as the owner (it reads what the application role may not) and the restore runs as the owner: the application role again owns nothing and has exactly its grants; no password shows', async () => {
    const created = await run(
      'node',
      [CLI, ...'user create --username ops --name ops --roles operations_engineer --service'.split(' ')],
      { env },
    );
    expect(created.stdout).toMatch(/created service account ops/);
    const grants = await privileges('audit_events');
    expect(grants).toMatchObject({ select: true, insert: true, update: false, truncate: false });
    expect(grants.owner).not.toBe(role);

    // Only the owner can read this table: a dump made as the application role would fail on it.
    await admin.query(`create table ${schema}.owner_only (note text)`);
    await admin.query(`insert into ${schema}.owner_only values ('kept by the owner')`);
    await admin.query(`revoke all on ${schema}.owner_only from ${role}`);

    const archive = path.join(dataDir, 'backup.tar');
    const backup = await run('node', [CLI, 'backup', archive], { env });
    const restore = await run('node', [CLI, 'restore', archive], { env });
    expect(restore.stdout).toMatch(new RegExp(`schema ${schema}_before_restore_`));

    const kept = await admin.query<{ note: string }>(`select note from ${schema}.owner_only`);
    expect(kept.rows).toEqual([{ note: 'kept by the owner' }]);
    // Restored as the owner, and the grants applied again by the migrations that follow.
    expect(await privileges('audit_events')).toEqual(grants);
    expect(await privileges('users')).toMatchObject({
      select: true,
      insert: true,
      update: true,
      truncate: false,
    });
    const verify = await run('node', [CLI, 'audit', 'verify', '--json'], { env });
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });

    const trail = await admin.query<{ details_json: string }>(
      `select details_json from ${schema}.audit_events where details_json is not null`,
    );
    const everything = [
      backup.stdout,
      backup.stderr,
      restore.stdout,
      restore.stderr,
      fs.readFileSync(archive).toString('latin1'),
      ...trail.rows.map((r) => r.details_json),
    ].join('\n');
    expect(everything).not.toContain(ownerSecret);
    expect(everything).not.toContain(appSecret);
  });

  it('PR-3 a PostgreSQL program gets the password through its environment, never on its command line, and what it says is scrubbed of it', async () => {
    const url = new URL(TEST_DATABASE_URL!);
    url.password = `${ownerSecret}/+`;
    const connection = pgConnection(url.toString());
    expect(connection.dbname).not.toContain(ownerSecret);
    expect(connection.env.PGPASSWORD).toBe(`${ownerSecret}/+`);
    // psql names the relation it cannot find in its error: here, the password itself.
    const psql = runPg(
      'psql',
      [`--command=select * from "${ownerSecret}/+"`, `--dbname=${connection.dbname}`],
      connection,
    );
    expect(psql.child.spawnargs.filter((a) => a.startsWith('--dbname')).join(' ')).not.toContain(ownerSecret);
    const error = await psql.done.then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/relation "\*\*\*" does not exist/);
    expect(error).not.toContain(ownerSecret);
  });
});
