import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import { containsText } from '../../db/like';
import {
  NUMBERED_SORTS,
  closePage,
  countRows,
  keysetPage,
  numberedKeys,
  type KeysetPosition,
  type NumberedSort,
  type Page,
} from '../../db/keyset';
import { nextNumber as nextNumberOf } from '../../db/sequences';
import type { ChangeVotesTable, ChangesTable } from './changes.tables';
import type {
  CabBody,
  ChangeRisk,
  ChangeSource,
  ChangeState,
  ExternalStatus,
  VoteDecision,
} from '@releasegate/domain';

/** The database, or a transaction on it. */
export type Queryable = Kysely<Database>;
type Q = Queryable;

export interface Change {
  id: string;
  number: string;
  source: ChangeSource;
  external: {
    system: string;
    key: string;
    status: ExternalStatus;
    url: string | null;
    /** The external system's time of this state (IN-2 ordering); null when it never said. */
    updatedAt: string | null;
  } | null;
  title: string;
  description: string | null;
  requester: string;
  requesterId: string | null;
  risk: ChangeRisk | null;
  state: ChangeState;
  /** Sorted, without duplicates. */
  ciIds: string[];
  approvedBy: string[];
  approvedAt: string | null;
  submittedAt: string | null;
  rejectedAt: string | null;
  withdrawnBy: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  implementedAt: string | null;
  /** What implemented it (a release). */
  implementedBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** IN-1, TY-4: an emergency change, which the expedited emergency CAB may approve; and why. */
  emergency: boolean;
  emergencyReason: string | null;
  /** IN-1: which body approved it (the full CAB or the emergency CAB); null otherwise. */
  approvedVia: CabBody | null;
}

export interface Vote {
  id: string;
  changeId: string;
  voterId: string;
  voter: string;
  decision: VoteDecision;
  comment: string;
  votedAt: string;
  /** IN-1: the member's later vote that replaced this one, and when (null: it counts). */
  supersededBy: string | null;
  supersededAt: string | null;
  /** IN-1: cast on an emergency change by a member of the emergency CAB. */
  emergencyCab: boolean;
}

const toChange = (r: Selectable<ChangesTable>, ciIds: string[]): Change => ({
  id: r.id,
  number: r.number,
  source: r.source === 'external' ? 'external' : 'internal',
  external:
    r.source === 'external'
      ? {
          system: r.external_system!,
          key: r.external_key!,
          status: r.external_status as ExternalStatus,
          url: r.external_url,
          updatedAt: r.external_updated_at ?? null,
        }
      : null,
  title: r.title,
  description: r.description,
  requester: r.requester,
  requesterId: r.requester_id,
  risk: r.risk as ChangeRisk | null,
  state: r.state as ChangeState,
  ciIds,
  approvedBy: JSON.parse(r.approved_by) as string[],
  approvedAt: r.approved_at,
  submittedAt: r.submitted_at,
  rejectedAt: r.rejected_at,
  withdrawnBy: r.withdrawn_by,
  withdrawnAt: r.withdrawn_at,
  withdrawReason: r.withdraw_reason,
  implementedAt: r.implemented_at,
  implementedBy: r.implemented_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  emergency: r.emergency === 1,
  emergencyReason: r.emergency_reason,
  approvedVia: (r.approved_via as CabBody | null) ?? null,
});

const toRow = (c: Change): Selectable<ChangesTable> => ({
  id: c.id,
  number: c.number,
  source: c.source,
  external_system: c.external?.system ?? null,
  external_key: c.external?.key ?? null,
  external_status: c.external?.status ?? null,
  external_url: c.external?.url ?? null,
  external_updated_at: c.external?.updatedAt ?? null,
  title: c.title,
  description: c.description,
  requester: c.requester,
  requester_id: c.requesterId,
  risk: c.risk,
  state: c.state,
  approved_by: JSON.stringify(c.approvedBy),
  approved_at: c.approvedAt,
  submitted_at: c.submittedAt,
  rejected_at: c.rejectedAt,
  withdrawn_by: c.withdrawnBy,
  withdrawn_at: c.withdrawnAt,
  withdraw_reason: c.withdrawReason,
  implemented_at: c.implementedAt,
  implemented_by: c.implementedBy,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  emergency: c.emergency ? 1 : 0,
  emergency_reason: c.emergencyReason,
  approved_via: c.approvedVia,
});

const toVote = (r: Selectable<ChangeVotesTable>): Vote => ({
  id: r.id,
  changeId: r.change_id,
  voterId: r.voter_id,
  voter: r.voter,
  decision: r.decision as VoteDecision,
  comment: r.comment,
  votedAt: r.voted_at,
  supersededBy: r.superseded_by,
  supersededAt: r.superseded_at,
  emergencyCab: r.emergency_cab === 1,
});

/** Rows with their CI ids (one more query for the whole set, in chunks under SQLite's limit). */
async function withCis(q: Q, rows: Selectable<ChangesTable>[]): Promise<Change[]> {
  const cis = new Map<string, string[]>();
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 500) {
    const links = await q
      .selectFrom('change_cis')
      .select(['change_id', 'ci_id'])
      .where('change_id', 'in', ids.slice(i, i + 500))
      .orderBy('ci_id')
      .execute();
    for (const l of links) (cis.get(l.change_id) ?? cis.set(l.change_id, []).get(l.change_id)!).push(l.ci_id);
  }
  return rows.map((r) => toChange(r, cis.get(r.id) ?? []));
}

/** CHG-<year>-<4 digits> from the counter, inside the creating transaction. */
export function nextNumber(q: Q, year: number): Promise<string> {
  return nextNumberOf(q, 'change', year);
}

export async function insertChange(q: Q, c: Change): Promise<void> {
  await q.insertInto('changes').values(toRow(c)).execute();
  await insertCis(q, c.id, c.ciIds);
}

/**
 * Inserts an external change unless its (system, key) exists meanwhile (another delivery created
 * it concurrently); returns whether it was inserted.
 */
export async function insertExternalChange(q: Q, c: Change): Promise<boolean> {
  const result = await q
    .insertInto('changes')
    .values(toRow(c))
    .onConflict((oc) => oc.columns(['external_system', 'external_key']).doNothing())
    .executeTakeFirst();
  if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
  await insertCis(q, c.id, c.ciIds);
  return true;
}

async function insertCis(q: Q, changeId: string, ciIds: readonly string[]) {
  for (let i = 0; i < ciIds.length; i += 400) {
    await q
      .insertInto('change_cis')
      .values(ciIds.slice(i, i + 400).map((ci_id) => ({ change_id: changeId, ci_id })))
      .execute();
  }
}

/** Writes the change's fields and, when they differ from `previousCiIds`, its CIs. */
export async function updateChange(q: Q, c: Change, previousCiIds: readonly string[]): Promise<void> {
  const { id: _id, number: _number, ...row } = toRow(c);
  await q.updateTable('changes').set(row).where('id', '=', c.id).execute();
  if (previousCiIds.join('\n') !== c.ciIds.join('\n')) {
    await q.deleteFrom('change_cis').where('change_id', '=', c.id).execute();
    await insertCis(q, c.id, c.ciIds);
  }
}

/** A change by its id or its number (CHG-2026-0001), as addresses people share carry either. */
export async function findChange(q: Q, idOrNumber: string): Promise<Change | undefined> {
  const row = await q
    .selectFrom('changes')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .executeTakeFirst();
  return row && (await withCis(q, [row]))[0];
}

/**
 * Reads a change for update: a no-op write takes its row lock on PostgreSQL (SQLite transactions
 * already begin IMMEDIATE), so concurrent votes on one change are counted one after the other.
 */
export async function lockChange(q: Q, id: string): Promise<Change | undefined> {
  const row = await q
    .updateTable('changes')
    .set((eb) => ({ state: eb.ref('state') }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && (await withCis(q, [row]))[0];
}

/** The external change with this key, locked for update like lockChange. */
export async function lockExternal(q: Q, system: string, key: string): Promise<Change | undefined> {
  const row = await q
    .updateTable('changes')
    .set((eb) => ({ state: eb.ref('state') }))
    .where('external_system', '=', system)
    .where('external_key', '=', key)
    .returningAll()
    .executeTakeFirst();
  return row && (await withCis(q, [row]))[0];
}

export async function findExternal(q: Q, system: string, key: string): Promise<Change | undefined> {
  const row = await q
    .selectFrom('changes')
    .selectAll()
    .where('external_system', '=', system)
    .where('external_key', '=', key)
    .executeTakeFirst();
  return row && (await withCis(q, [row]))[0];
}

export async function findChangesByIds(q: Q, ids: readonly string[]): Promise<Change[]> {
  const rows: Selectable<ChangesTable>[] = [];
  for (let i = 0; i < ids.length; i += 500)
    rows.push(
      ...(await q
        .selectFrom('changes')
        .selectAll()
        .where('id', 'in', ids.slice(i, i + 500))
        .execute()),
    );
  return withCis(q, rows);
}

export interface ChangeFilter {
  state?: ChangeState;
  source?: ChangeSource;
  text?: string;
}

/** The orders the change list offers, and its keysets: those of every numbered list. */
export const CHANGE_SORTS = NUMBERED_SORTS;
export type ChangeSort = NumberedSort;
export const changeKeys = numberedKeys;

function filteredChanges(q: Q, f: ChangeFilter) {
  let query = q.selectFrom('changes');
  if (f.state) query = query.where('state', '=', f.state);
  if (f.source) query = query.where('source', '=', f.source);
  if (f.text) {
    const text = f.text;
    query = query.where((eb) =>
      eb.or([
        containsText('number', text),
        containsText('title', text),
        containsText('description', text),
        containsText('external_key', text),
      ]),
    );
  }
  return query;
}

/** One page of the changes matching the filter, in the position's order (keyset). */
export async function pageChanges(q: Q, f: ChangeFilter, position: KeysetPosition): Promise<Page<Change>> {
  const rows = await keysetPage(filteredChanges(q, f).selectAll(), position).execute();
  return closePage(rows, position, (kept) => withCis(q, kept));
}

/** How many changes match the filter. */
export const countChanges = (q: Q, f: ChangeFilter): Promise<number> => countRows(filteredChanges(q, f));

/**
 * Every vote on the change, replaced ones included, oldest first. Votes cast at the same moment
 * keep the order in which they replaced each other (a member's replaced vote before its successor).
 */
export async function votesOf(q: Q, changeId: string): Promise<Vote[]> {
  const rows = await q
    .selectFrom('change_votes')
    .selectAll()
    .where('change_id', '=', changeId)
    .orderBy('voted_at')
    .orderBy('voter')
    .orderBy('id')
    .execute();
  const votes = rows.map(toVote);
  const byId = new Map(votes.map((v) => [v.id, v]));
  /** How many later votes of the same member follow this one. */
  const successors = (v: Vote) => {
    let n = 0;
    for (let next = v.supersededBy; next && n < votes.length; next = byId.get(next)?.supersededBy ?? null)
      n++;
    return n;
  };
  const rank = new Map(votes.map((v) => [v.id, successors(v)]));
  return votes.sort((a, b) =>
    a.votedAt !== b.votedAt
      ? a.votedAt.localeCompare(b.votedAt)
      : a.voter !== b.voter
        ? a.voter.localeCompare(b.voter)
        : rank.get(b.id)! - rank.get(a.id)!,
  );
}

/** IN-1: what counts toward the quorum: each member's latest vote. */
export const currentVotes = (votes: readonly Vote[]): Vote[] => votes.filter((v) => v.supersededAt === null);

/** A new vote; the member's earlier vote, if any, is kept and marked superseded by it. */
export async function insertVote(q: Q, v: Vote): Promise<void> {
  await q
    .updateTable('change_votes')
    .set({ superseded_by: v.id, superseded_at: v.votedAt })
    .where('change_id', '=', v.changeId)
    .where('voter_id', '=', v.voterId)
    .where('superseded_at', 'is', null)
    .execute();
  await q
    .insertInto('change_votes')
    .values({
      id: v.id,
      change_id: v.changeId,
      voter_id: v.voterId,
      voter: v.voter,
      decision: v.decision,
      comment: v.comment,
      voted_at: v.votedAt,
      superseded_by: null,
      superseded_at: null,
      emergency_cab: v.emergencyCab ? 1 : 0,
    })
    .execute();
}

/**
 * Records a webhook delivery id; false when it was recorded before (a redelivery). A concurrent
 * delivery with the same id waits for the first to commit and then sees it.
 */
export async function recordDelivery(
  q: Q,
  d: { system: string; deliveryId: string; key: string; receivedAt: string },
): Promise<boolean> {
  const result = await q
    .insertInto('change_webhook_deliveries')
    .values({ system: d.system, delivery_id: d.deliveryId, change_key: d.key, received_at: d.receivedAt })
    .onConflict((oc) => oc.columns(['system', 'delivery_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findDelivery(
  q: Q,
  system: string,
  deliveryId: string,
): Promise<{ key: string; receivedAt: string } | undefined> {
  const row = await q
    .selectFrom('change_webhook_deliveries')
    .select(['change_key', 'received_at'])
    .where('system', '=', system)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirst();
  return row && { key: row.change_key, receivedAt: row.received_at };
}

/** PR-4: the releases that carry a change. */
export async function releasesCarrying(
  q: Queryable,
  changeId: string,
): Promise<{ id: string; number: string; title: string; state: string }[]> {
  return q
    .selectFrom('release_changes')
    .innerJoin('releases', 'releases.id', 'release_changes.release_id')
    .select(['releases.id', 'releases.number', 'releases.title', 'releases.state'])
    .where('release_changes.change_id', '=', changeId)
    .orderBy('releases.created_at')
    .execute();
}
