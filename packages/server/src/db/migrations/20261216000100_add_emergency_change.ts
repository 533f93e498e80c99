import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// IN-1, TY-4: an emergency change (flagged, with the reason) may be approved by the policy's
// expedited emergency CAB. Which body approved it is kept on the change; each vote records
// whether it was cast by a member of the emergency CAB, so its count can be shown and checked.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('changes')
    .addColumn('emergency', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('changes').addColumn('emergency_reason', 'text').execute();
  await db.schema.alterTable('changes').addColumn('approved_via', 'text').execute();
  await db.schema
    .alterTable('change_votes')
    .addColumn('emergency_cab', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('change_votes').dropColumn('emergency_cab').execute();
  await db.schema.alterTable('changes').dropColumn('approved_via').execute();
  await db.schema.alterTable('changes').dropColumn('emergency_reason').execute();
  await db.schema.alterTable('changes').dropColumn('emergency').execute();
}
