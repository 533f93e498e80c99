import type { Kysely } from 'kysely';
import type { Dialect } from '../../db/database';
import type { AuditEventsTable, Database } from '../../db/schema';
import { containsText, startsWith } from '../../db/like';
import { lockAcrossNodes } from '../../db/locks';
import { closePage, keysetPage, type KeyColumns, type KeysetPosition, type Page } from '../../db/keyset';
import { currentActionName, legacyNamesStartingWith } from './audit.actions';

export type AuditRow = AuditEventsTable;

export interface AuditFilter {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  text?: string;
}

/**
 * Serialises appends to the chain: several server processes may append at once, and "read the
 * last hash, insert the next" must be atomic across them.
 */
export const lockChain = (q: Kysely<Database>, dialect: Dialect): Promise<void> =>
  lockAcrossNodes(q, dialect, 'audit');

export async function lastEvent(q: Kysely<Database>): Promise<Pick<AuditRow, 'seq' | 'hash'> | undefined> {
  return q
    .selectFrom('audit_events')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function insertEvent(q: Kysely<Database>, row: AuditRow): Promise<void> {
  await q.insertInto('audit_events').values(row).execute();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function applyFilter(q: Kysely<Database>, f: AuditFilter) {
  let query = q.selectFrom('audit_events').selectAll();
  // An actor is asked for by id (a UUID) or by name. Every event of a signed-in principal carries
  // both, so the one column the value can be is enough — an OR of the two read two indexes and
  // sorted their union (14 ms a page at 2 million events, bench/src/lists-bench.ts).
  if (f.actor)
    query = UUID.test(f.actor)
      ? query.where('actor_id', '=', f.actor)
      : query.where('actor_name', '=', f.actor);
  if (f.action) {
    // Decision 0022: a current name finds the rows recorded under its old names too.
    const action = currentActionName(f.action);
    const old = legacyNamesStartingWith(action);
    query = query.where((eb) =>
      old.length
        ? eb.or([startsWith('action', action), eb('action', 'in', old)])
        : startsWith('action', action),
    );
  }
  if (f.entityType) query = query.where('entity_type', '=', f.entityType);
  if (f.entityId) query = query.where('entity_id', '=', f.entityId);
  if (f.outcome) query = query.where('outcome', '=', f.outcome);
  if (f.from) query = query.where('occurred_at', '>=', f.from);
  if (f.to) query = query.where('occurred_at', '<', f.to);
  if (f.text) {
    const text = f.text;
    query = query.where((eb) =>
      eb.or([
        containsText('action', text),
        containsText('actor_name', text),
        containsText('entity_id', text),
        containsText('details_json', text),
      ]),
    );
  }
  return query;
}

/** The audit trail's one order: by sequence number (unique), newest first unless asked. */
export const AUDIT_SORTS = ['seq'] as const;
export const auditKeys = (): KeyColumns => ({
  value: { column: 'seq', kind: 'number' },
  tie: { column: 'seq', kind: 'number' },
});

/** One page of the events matching the filter, in the position's order (keyset on seq). */
export async function pageEvents<T>(
  q: Kysely<Database>,
  f: AuditFilter,
  position: KeysetPosition,
  present: (rows: AuditRow[]) => T[],
): Promise<Page<T>> {
  const rows = await keysetPage(applyFilter(q, f), position).execute();
  return closePage(rows, position, present);
}

/** Oldest first, in pages, for export and verification without loading the whole log. */
export async function* iterateEvents(
  q: Kysely<Database>,
  f: AuditFilter = {},
  pageSize = 2000,
): AsyncGenerator<AuditRow> {
  let after = -1;
  for (;;) {
    const page = await applyFilter(q, f)
      .where('seq', '>', after)
      .orderBy('seq', 'asc')
      .limit(pageSize)
      .execute();
    for (const row of page) yield row;
    if (page.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

/** The hashes of the events with these sequence numbers (those that exist). */
export async function hashesAt(q: Kysely<Database>, seqs: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (let i = 0; i < seqs.length; i += 500) {
    const rows = await q
      .selectFrom('audit_events')
      .select(['seq', 'hash'])
      .where('seq', 'in', seqs.slice(i, i + 500))
      .execute();
    for (const r of rows) found.set(Number(r.seq), r.hash);
  }
  return found;
}
