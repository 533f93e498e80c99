import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// The release remembers the lifecycle transition that brought it into its state: which action,
// from which state, by whom and when. A caller whose action that transition pre-empted (two
// managers closing at once, on two nodes) is told who won and when, with 409, instead of an
// anonymous "invalid transition" (docs/decisions/0011). Releases moved before this migration have
// no such record; their late callers get the plain refusal as before.
const COLUMNS = ['transition_action', 'transition_from', 'transitioned_by', 'transitioned_at'];

export async function up(db: Kysely<any>): Promise<void> {
  // One column per statement: SQLite adds a single column per ALTER TABLE.
  for (const column of COLUMNS) await db.schema.alterTable('releases').addColumn(column, 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const column of [...COLUMNS].reverse())
    await db.schema.alterTable('releases').dropColumn(column).execute();
}
