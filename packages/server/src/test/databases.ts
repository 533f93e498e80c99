import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { openPostgres, openSqlite, type Db, type Dialect } from '../db/database';
import { migrateToLatest } from '../db/migrate';

/**
 * Every database test runs on every dialect: SQLite always, PostgreSQL when TEST_DATABASE_URL
 * is set. If it is set and the server cannot be reached, the tests fail; they never skip.
 * (Test code reads the environment directly; the application reads it only in config.ts.)
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const DIALECTS: Dialect[] = TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase {
  db: Db;
  dialect: Dialect;
  /** What a child process needs to open the same database (DATABASE_URL / DATA_DIR). */
  env: Record<string, string>;
  dataDir: string;
  /** Opens another, independent connection (pool) to the same database: a second "process". */
  openAnother(): Db;
  destroy(): Promise<void>;
}

export function tempDir(prefix = 'rg-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A fresh, empty database of the dialect: a new SQLite file, or a new PostgreSQL schema. */
export async function createTestDatabase(
  dialect: Dialect,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const dataDir = tempDir();
  let test: TestDatabase;
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'releasegate.db');
    const db = openSqlite(file);
    test = {
      db,
      dialect,
      dataDir,
      env: { DATA_DIR: dataDir },
      openAnother: () => openSqlite(file),
      destroy: async () => {
        await db.destroy();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } else {
    if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
    const schema = `rg_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const db = openPostgres(TEST_DATABASE_URL, { schema });
    const url = new URL(TEST_DATABASE_URL);
    url.searchParams.set('schema', schema);
    test = {
      db,
      dialect,
      dataDir,
      env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
      openAnother: () => openPostgres(TEST_DATABASE_URL, { schema }),
      destroy: async () => {
        await db.destroy();
        const cleanup = new pg.Client({ connectionString: TEST_DATABASE_URL });
        await cleanup.connect();
        await cleanup.query(`drop schema if exists ${schema} cascade`);
        await cleanup.end();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  if (options.migrate !== false) await migrateWithRetry(test.db);
  return test;
}

/**
 * Kysely's migrator introspects every schema of the database; while other test files drop their
 * own schemas at the same moment, PostgreSQL's catalog functions may fail with "schema rg_test_…
 * does not exist" for a schema that is not ours. That is a race between test files, not a bug of
 * the migration: try again (a few times at most), and fail on anything else.
 */
async function migrateWithRetry(db: Db): Promise<void> {
  await retryWhileOtherSchemasDrop(() => migrateToLatest(db));
}

/** Runs a migration step (up, down, or the list of pending ones) again when that race hits it. */
export async function retryWhileOtherSchemasDrop<T>(step: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const concurrentDrop = /schema "rg_test_[0-9a-f]+" does not exist/.test(String(error));
      if (!concurrentDrop || attempt >= 3) throw error;
    }
  }
}

/** What an attacker with database access does first: drop the audit trail's protective triggers. */
export async function dropAuditGuards(t: TestDatabase): Promise<void> {
  if (t.dialect === 'postgres')
    await sql`drop trigger audit_events_no_update on audit_events`.execute(t.db.kysely);
  else {
    await sql`drop trigger audit_events_no_update`.execute(t.db.kysely);
    await sql`drop trigger audit_events_no_early_delete`.execute(t.db.kysely);
  }
}
