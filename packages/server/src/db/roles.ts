import { sql } from 'kysely';
import type { MigrationResult } from 'kysely';
import type { Config } from '../config';
import { openPostgres, type Db } from './database';
import { migrateToLatest } from './migrate';

/** Tables the server may read but never change: the migrations' own bookkeeping. */
const READ_ONLY = ['kysely_migration', 'kysely_migration_lock'];

/**
 * PR-3, X-1: on PostgreSQL the server runs as a role that owns nothing. The owner (who ran the
 * migrations) grants it what the application does — read and write its tables — and nothing
 * else: on the audit trail only SELECT and INSERT, so it can neither update, delete nor
 * truncate an event, and as it owns no table it can neither alter nor drop a table or trigger.
 * Idempotent; run after every migration, as tables come and go.
 */
export async function grantApplicationRole(owner: Db, role: string): Promise<void> {
  if (owner.dialect !== 'postgres') throw new Error('roles are a PostgreSQL matter');
  const schema = sql.id(owner.schema ?? 'public');
  const r = sql.id(role);
  const q = owner.kysely;
  await sql`grant usage on schema ${schema} to ${r}`.execute(q);
  await sql`grant select, insert, update, delete on all tables in schema ${schema} to ${r}`.execute(q);
  await sql`grant usage, select on all sequences in schema ${schema} to ${r}`.execute(q);
  await sql`revoke update, delete, truncate, references, trigger on ${sql.table('audit_events')} from ${r}`.execute(
    q,
  );
  for (const table of READ_ONLY)
    await sql`revoke insert, update, delete, truncate on ${sql.table(table)} from ${r}`.execute(q);
}

/** The role a PostgreSQL URL signs in as. */
export function roleOf(url: string): string {
  const user = decodeURIComponent(new URL(url).username);
  if (!user) throw new Error('DATABASE_URL names no user: the application role must be explicit');
  return user;
}

/**
 * Brings the schema up to date: as the owner when a migration URL is configured (then grants the
 * application role again), else as the one role the server has.
 */
export async function migrateForServer(config: Pick<Config, 'database'>, db: Db): Promise<MigrationResult[]> {
  const target = config.database;
  if (target.kind !== 'postgres' || !target.migrationUrl) return migrateToLatest(db);
  const owner = openPostgres(target.migrationUrl, { schema: target.schema, max: 2 });
  try {
    const results = await migrateToLatest(owner);
    await grantApplicationRole(owner, roleOf(target.url));
    return results;
  } finally {
    await owner.destroy();
  }
}
