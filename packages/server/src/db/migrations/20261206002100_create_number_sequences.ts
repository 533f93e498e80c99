import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code, and takes Kysely<any>.
//
// One counter table for every number people quote (CHG-, REL-, KB-, PRB-<year>-<n>), replacing
// the per-feature counters of changes and knowledge and the max(number) + 1 of releases and
// problem records, which two server nodes computed alike and then collided on
// (docs/decisions/0011). Each counter starts where the numbers already handed out end.

const OLD_COUNTERS = { change: 'change_number_seq', knowledge: 'knowledge_number_seq' } as const;
const NUMBERED = { release: ['releases', 'REL'], problem: ['problem_records', 'PRB'] } as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('number_sequences')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('last', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('number_sequences_pk', ['name', 'year'])
    .execute();

  const rows: { name: string; year: number; last: number }[] = [];
  for (const [name, table] of Object.entries(OLD_COUNTERS)) {
    const counters = await db.selectFrom(table).select(['year', 'last']).execute();
    for (const c of counters) rows.push({ name, year: Number(c.year), last: Number(c.last) });
  }
  for (const [name, [table, prefix]] of Object.entries(NUMBERED)) {
    const last = new Map<number, number>();
    for (const { number } of await db.selectFrom(table).select('number').execute()) {
      const match = new RegExp(`^${prefix}-(\\d{4})-(\\d+)$`).exec(String(number));
      if (!match) continue;
      const year = Number(match[1]);
      last.set(year, Math.max(last.get(year) ?? 0, Number(match[2])));
    }
    for (const [year, n] of last) rows.push({ name, year, last: n });
  }
  if (rows.length) await db.insertInto('number_sequences').values(rows).execute();

  for (const table of Object.values(OLD_COUNTERS)) await db.schema.dropTable(table).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, table] of Object.entries(OLD_COUNTERS)) {
    await db.schema
      .createTable(table)
      .addColumn('year', 'integer', (c) => c.primaryKey())
      .addColumn('last', 'integer', (c) => c.notNull())
      .execute();
    const counters = await db
      .selectFrom('number_sequences')
      .select(['year', 'last'])
      .where('name', '=', name)
      .execute();
    if (counters.length)
      await db
        .insertInto(table)
        .values(counters.map((c) => ({ year: Number(c.year), last: Number(c.last) })))
        .execute();
  }
  await db.schema.dropTable('number_sequences').execute();
}
