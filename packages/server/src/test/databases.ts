import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openPostgres, openSqlite, type Db, type Dialect } from '../db/database';
import {
  TEMPLATE_SCHEMA,
  adminQuery,
  databaseUrl,
  dropPostgresDatabase,
  type TestTemplates,
} from './templates';

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

/**
 * Where the tests' files go: /dev/shm (a RAM file system) where there is one, else the system's
 * temporary directory. SQLite syncs every commit (`synchronous = FULL`); on a disk each of the
 * suite's many thousands of commits waits for the disk, in RAM it does not. What the tests check
 * is the same on both: none of them is about surviving a power cut.
 */
const TEST_TMP = (() => {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return fs.statSync('/dev/shm').isDirectory() ? '/dev/shm' : os.tmpdir();
  } catch {
    return os.tmpdir();
  }
})();

export function tempDir(prefix = 'rg-test-'): string {
  return fs.mkdtempSync(path.join(TEST_TMP, prefix));
}

/**
 * A fresh database of the dialect: a new SQLite file, or a new PostgreSQL database with a schema
 * of its own name. Migrated unless `migrate: false` (then empty, for the tests of migrations
 * themselves): a copy of the database the global setup migrated once for the run
 * (test/templates.ts) — a byte copy of the SQLite file, or `CREATE DATABASE … TEMPLATE` with the
 * template's schema renamed. databases.test.ts proves a copy equal to a database migrated step by
 * step.
 */
export async function createTestDatabase(
  dialect: Dialect,
  options: { migrate?: boolean } = {},
): Promise<TestDatabase> {
  const migrate = options.migrate !== false;
  const dataDir = tempDir();
  if (dialect === 'sqlite') {
    const file = path.join(dataDir, 'releasegate.db');
    if (migrate) fs.copyFileSync(templates().sqliteFile, file);
    const db = openSqlite(file);
    return {
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
  }
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  const server = TEST_DATABASE_URL;
  const run = templates().postgres;
  if (!run) throw new Error('the global setup made no PostgreSQL template (TEST_DATABASE_URL was unset)');
  let name: string;
  if (migrate) {
    // The copy made while the previous test ran, if there is one; the next is made meanwhile.
    const ready = spare ?? newPostgresDatabase(server, run, true);
    spare = newPostgresDatabase(server, run, true);
    void spare.catch(() => undefined); // met when it is taken, or by settleDatabaseDrops
    name = await ready;
  } else name = await newPostgresDatabase(server, run, false);
  const base = databaseUrl(server, name);
  const db = openPostgres(base, { schema: name });
  const url = new URL(base);
  url.searchParams.set('schema', name);
  return {
    db,
    dialect,
    dataDir,
    env: { DATA_DIR: dataDir, DATABASE_URL: url.toString() },
    openAnother: () => openPostgres(base, { schema: name }),
    destroy: async () => {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
      // The drop goes on while the next test runs; the file waits for it (settleDatabaseDrops).
      const drop = dropPostgresDatabase(server, name);
      drops.add(drop);
      void drop.then(
        () => drops.delete(drop),
        () => undefined,
      );
    },
  };
}

/**
 * A new PostgreSQL database of the run: a copy of the template (`migrate`) or empty, with a schema
 * of the database's own name, the run's prefix and a random part.
 */
async function newPostgresDatabase(
  server: string,
  run: NonNullable<TestTemplates['postgres']>,
  migrate: boolean,
): Promise<string> {
  const name = `${run.prefix}${randomBytes(6).toString('hex')}`;
  await adminQuery(
    server,
    migrate ? `create database ${name} template ${run.template}` : `create database ${name}`,
  );
  // Commits do not wait for the WAL to reach the disk (every session of this database, a spawned
  // server's too): what a test sees is the same, only a crash of PostgreSQL itself could lose
  // the last commits, and no test is about that.
  await adminQuery(
    databaseUrl(server, name),
    `${migrate ? `alter schema ${TEMPLATE_SCHEMA} rename to ${name}` : `create schema ${name}`};
     alter database ${name} set synchronous_commit = off`,
  );
  return name;
}

/**
 * A migrated copy made ahead for the file's next PostgreSQL test: copying the template (10 MB
 * that PostgreSQL syncs whatever the settings) took 50–600 ms on a 2-core machine, and is done
 * while a test runs instead of before it.
 */
let spare: Promise<string> | undefined;

const drops = new Set<Promise<void>>();

/**
 * Waits for the PostgreSQL test databases this file destroyed to be dropped, and fails on a drop
 * that failed; drops the copy made ahead. Run after each test file (setup.ts), so that no file
 * leaves databases behind it.
 */
export async function settleDatabaseDrops(): Promise<void> {
  const pending = [...drops];
  drops.clear();
  const unused = spare;
  spare = undefined;
  await Promise.all(pending);
  // The copy made ahead that no test of the file took.
  if (unused && TEST_DATABASE_URL) await dropPostgresDatabase(TEST_DATABASE_URL, await unused);
}

function templates(): TestTemplates {
  const made = inject('testTemplates');
  if (!made)
    throw new Error(
      'no template databases: run the tests with vitest.config.ts, whose global setup makes them',
    );
  return made;
}

/**
 * Kysely's migrator introspects every schema of the database. Where test schemas share one
 * database (the tests of PostgreSQL roles and backups make theirs in TEST_DATABASE_URL's, as may
 * other runs of the suite), PostgreSQL's catalog functions may fail with "schema rg_test_… does
 * not exist" for a schema another test file drops at that moment. That is a race between test
 * files, not a bug of the migration: run the step (up, down, or the list of pending ones) again,
 * a few times at most, and fail on anything else.
 */
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
