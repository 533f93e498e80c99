import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, openSqlite } from '../db/database';
import { migrateToLatest } from '../db/migrate';

/**
 * Migrated databases to copy, made once per test run by the global setup (test/global-setup.ts)
 * instead of running every migration for every test (createTestDatabase in databases.ts).
 */
export interface TestTemplates {
  /** A migrated SQLite file, closed (no -wal or -shm beside it): copy it, never open it. */
  sqliteFile: string;
  /**
   * PostgreSQL: `template` is a migrated database, `CREATE DATABASE … TEMPLATE` copies of which
   * are the tests' databases; its one schema (`TEMPLATE_SCHEMA`) is renamed in each copy. Nothing
   * stays connected to it: PostgreSQL copies a template only while no session is connected to it.
   * Every database of the run is named `prefix` + 12 hex digits, so the end of the run finds
   * and drops what a test that crashed left behind — and never another run's.
   */
  postgres?: { template: string; prefix: string };
}

/** The schema of the PostgreSQL template; each copy renames it to a name of its own. */
export const TEMPLATE_SCHEMA = 'rg_template';

export async function makeSqliteTemplate(dir: string): Promise<string> {
  const file = path.join(dir, 'template.db');
  const db = openSqlite(file);
  await migrateToLatest(db);
  await db.destroy();
  // Closing the last connection checkpoints the write-ahead log into the file and deletes it:
  // the file alone is then the whole database, and a byte copy of it is a consistent one.
  for (const extra of ['-wal', '-shm', '-journal'])
    if (fs.existsSync(file + extra)) throw new Error(`SQLite template left ${file + extra} behind`);
  return file;
}

/** A URL of the same server and user for another database (keeping the query, e.g. ?schema=). */
export function databaseUrl(url: string, database: string): string {
  const other = new URL(url);
  other.pathname = `/${database}`;
  return other.toString();
}

/** Runs SQL (one statement or a script of many) on a connection of its own, then closes it. */
export async function adminQuery(url: string, text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

/** Creates a database and migrates it: the template every PostgreSQL test database copies. */
export async function makePostgresTemplate(url: string): Promise<{ template: string; prefix: string }> {
  const run = randomBytes(4).toString('hex');
  const name = `rg_template_${run}`;
  await adminQuery(url, `create database ${name}`);
  const db = openPostgres(databaseUrl(url, name), { schema: TEMPLATE_SCHEMA, max: 1 });
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await dropPostgresDatabase(url, name);
    throw error;
  }
  await db.destroy();
  return { template: name, prefix: `rg_test_${run}` };
}

/** Drops the template and whatever database of its run is left (a crashed test's). */
export async function dropPostgresRun(url: string, run: { template: string; prefix: string }): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname = $1 or datname like $2`,
      [run.template, `${run.prefix}%`],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
  } finally {
    await admin.end();
  }
}

/** Drops a test database, ending any session still connected to it (a killed server's). */
export function dropPostgresDatabase(url: string, name: string): Promise<void> {
  return adminQuery(url, `drop database if exists ${name} with (force)`);
}
