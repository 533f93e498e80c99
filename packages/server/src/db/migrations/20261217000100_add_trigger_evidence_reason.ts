import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// X-3, IM-4: the evidence of a trigger raised by a reading, as a reason of the message catalog
// (code and parameters, JSON) beside its English text, so readers see it in their language.
// Triggers from before keep their English evidence only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollback_triggers').addColumn('evidence_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('rollback_triggers').dropColumn('evidence_reason').execute();
}
