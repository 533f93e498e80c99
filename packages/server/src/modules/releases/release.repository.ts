import type { Kysely, Selectable } from 'kysely';
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
import type {
  ReleaseAction,
  ReleaseItem,
  ReleaseOutcome,
  ReleaseState,
  ReleaseType,
  TransitionTaken,
  TypeProposal,
} from '@releasegate/domain';
import type { Database, ReleasesTable } from '../../db/schema';

type Q = Kysely<Database>;

export interface Release {
  id: string;
  number: string;
  title: string;
  description: string | null;
  state: ReleaseState;
  outcome: ReleaseOutcome | null;
  type: ReleaseType | null;
  proposal: TypeProposal;
  typeReason: string | null;
  urgency: 'immediate' | 'high' | 'normal';
  rollbackDifficulty: 'easy' | 'moderate' | 'hard';
  newTechnology: boolean;
  targetCiIds: string[];
  policyVersionId: string;
  requestedBy: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** The transition that brought the release into its state, and who took it when (null: before the record). */
  lastTransition: (TransitionTaken & { by: string; at: string }) | null;
}

export type StoredItem = ReleaseItem & { id: string };

const toRelease = (r: Selectable<ReleasesTable>): Release => ({
  id: r.id,
  number: r.number,
  title: r.title,
  description: r.description,
  state: r.state as ReleaseState,
  outcome: r.outcome as ReleaseOutcome | null,
  type: r.type as ReleaseType | null,
  proposal: JSON.parse(r.proposal) as TypeProposal,
  typeReason: r.type_reason,
  urgency: r.urgency as Release['urgency'],
  rollbackDifficulty: r.rollback_difficulty as Release['rollbackDifficulty'],
  newTechnology: !!r.new_technology,
  targetCiIds: JSON.parse(r.target_ci_ids) as string[],
  policyVersionId: r.policy_version_id,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionReason: r.decision_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  lastTransition:
    r.transition_action && r.transition_from && r.transitioned_by && r.transitioned_at
      ? {
          action: r.transition_action as ReleaseAction,
          from: r.transition_from as ReleaseState,
          to: r.state as ReleaseState,
          by: r.transitioned_by,
          at: r.transitioned_at,
        }
      : null,
});

const toRow = (r: Release): Selectable<ReleasesTable> => ({
  id: r.id,
  number: r.number,
  title: r.title,
  description: r.description,
  state: r.state,
  outcome: r.outcome,
  type: r.type,
  proposed_type: r.proposal.type,
  proposal: JSON.stringify(r.proposal),
  type_reason: r.typeReason,
  urgency: r.urgency,
  rollback_difficulty: r.rollbackDifficulty,
  new_technology: r.newTechnology ? 1 : 0,
  target_ci_ids: JSON.stringify(r.targetCiIds),
  policy_version_id: r.policyVersionId,
  requested_by: r.requestedBy,
  decided_by: r.decidedBy,
  decided_at: r.decidedAt,
  decision_reason: r.decisionReason,
  created_at: r.createdAt,
  updated_at: r.updatedAt,
  transition_action: r.lastTransition?.action ?? null,
  transition_from: r.lastTransition?.from ?? null,
  transitioned_by: r.lastTransition?.by ?? null,
  transitioned_at: r.lastTransition?.at ?? null,
});

/** The next number of the year, e.g. REL-2026-0042, from the counter (inside the creating transaction). */
export function nextNumber(q: Q, year: number): Promise<string> {
  return nextNumberOf(q, 'release', year);
}

export async function insertRelease(
  q: Q,
  r: Release,
  changeIds: string[],
  items: StoredItem[],
): Promise<void> {
  await q.insertInto('releases').values(toRow(r)).execute();
  if (changeIds.length)
    await q
      .insertInto('release_changes')
      .values(changeIds.map((change_id) => ({ release_id: r.id, change_id })))
      .execute();
  if (items.length) {
    await q
      .insertInto('release_items')
      .values(
        items.map((it, position) => ({
          id: it.id,
          release_id: r.id,
          position,
          kind: it.kind,
          title: it.title,
          dsl_version_id: it.dslVersionId ?? null,
          description: it.description ?? null,
          ci_ids: JSON.stringify(it.ciIds),
        })),
      )
      .execute();
  }
}

/** Saves the release if it is still in `expectedState` (two people acting at once: one wins). */
export async function updateRelease(q: Q, r: Release, expectedState: ReleaseState): Promise<boolean> {
  const { id: _id, ...row } = toRow(r);
  const result = await q
    .updateTable('releases')
    .set(row)
    .where('id', '=', r.id)
    .where('state', '=', expectedState)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Reads a release for update: a no-op write takes its row lock on PostgreSQL (SQLite transactions
 * already begin IMMEDIATE), so actions on one release run one after the other on every node, each
 * seeing what the one before it committed (docs/decisions/0011). Taken first in a transaction,
 * before the audit chain's lock, so locks are always taken in the same order.
 */
export async function lockRelease(q: Q, idOrNumber: string): Promise<Release | undefined> {
  const row = await q
    .updateTable('releases')
    .set((eb) => ({ state: eb.ref('state') }))
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .returningAll()
    .executeTakeFirst();
  return row && toRelease(row);
}

export async function findRelease(q: Q, idOrNumber: string): Promise<Release | undefined> {
  const row = await q
    .selectFrom('releases')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrNumber), eb('number', '=', idOrNumber)]))
    .executeTakeFirst();
  return row && toRelease(row);
}

export interface ReleaseFilter {
  state?: ReleaseState;
  type?: ReleaseType;
  text?: string;
  open?: boolean;
}

/** The orders the release list offers, and its keysets: those of every numbered list. */
export const RELEASE_SORTS = NUMBERED_SORTS;
export type ReleaseSort = NumberedSort;
export const releaseKeys = numberedKeys;

function filteredReleases(q: Q, f: ReleaseFilter) {
  let query = q.selectFrom('releases');
  if (f.state) query = query.where('state', '=', f.state);
  if (f.type) query = query.where('type', '=', f.type);
  if (f.open) query = query.where('state', '!=', 'closed');
  if (f.text) {
    const text = f.text;
    query = query.where((eb) => eb.or([containsText('title', text), eb('number', '=', text.toUpperCase())]));
  }
  return query;
}

/** One page of the releases matching the filter, in the position's order (keyset). */
export async function pageReleases(q: Q, f: ReleaseFilter, position: KeysetPosition): Promise<Page<Release>> {
  const rows = await keysetPage(filteredReleases(q, f).selectAll(), position).execute();
  return closePage(rows, position, (kept) => kept.map(toRelease));
}

/** How many releases match the filter. */
export const countReleases = (q: Q, f: ReleaseFilter): Promise<number> => countRows(filteredReleases(q, f));

/**
 * Every open release (not closed), in the order they were requested (`asc`) or newest first
 * (`desc`), ties by number: what tasks and assessments look through.
 */
export async function openReleases(q: Q, order: 'asc' | 'desc'): Promise<Release[]> {
  const rows = await filteredReleases(q, { open: true })
    .selectAll()
    .orderBy('created_at', order)
    .orderBy('number', order)
    .execute();
  return rows.map(toRelease);
}

export async function changeIdsOf(q: Q, releaseId: string): Promise<string[]> {
  return (
    await q.selectFrom('release_changes').select('change_id').where('release_id', '=', releaseId).execute()
  ).map((r) => r.change_id);
}

/** Open releases (not closed) carrying any of these changes, or all open releases when ids is empty. */
export async function releasesOfChanges(
  q: Q,
  changeIds: string[],
): Promise<{ releaseId: string; changeId: string }[]> {
  if (changeIds.length === 0) return [];
  return (
    await q
      .selectFrom('release_changes')
      .select(['release_id', 'change_id'])
      .where('change_id', 'in', changeIds)
      .execute()
  ).map((r) => ({
    releaseId: r.release_id,
    changeId: r.change_id,
  }));
}

export async function itemsOf(q: Q, releaseId: string): Promise<StoredItem[]> {
  const rows = await q
    .selectFrom('release_items')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as StoredItem['kind'],
    title: r.title,
    dslVersionId: r.dsl_version_id,
    description: r.description,
    ciIds: JSON.parse(r.ci_ids) as string[],
  }));
}

export interface Assessment {
  seq: number;
  kind: 'relationship' | 'resource' | 'risk';
  content: unknown;
  recordedBy: string;
  recordedAt: string;
}

export async function insertAssessment(q: Q, releaseId: string, a: Omit<Assessment, 'seq'>): Promise<void> {
  await q
    .insertInto('release_assessments')
    .values({
      release_id: releaseId,
      kind: a.kind,
      content: JSON.stringify(a.content),
      recorded_by: a.recordedBy,
      recorded_at: a.recordedAt,
    })
    .execute();
}

/** The latest assessment of each kind (earlier ones stay as history). */
export async function latestAssessments(q: Q, releaseId: string): Promise<Assessment[]> {
  const rows = await q
    .selectFrom('release_assessments')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('seq', 'desc')
    .execute();
  const seen = new Set<string>();
  const latest: Assessment[] = [];
  for (const r of rows) {
    if (seen.has(r.kind)) continue;
    seen.add(r.kind);
    latest.push({
      seq: Number(r.seq),
      kind: r.kind as Assessment['kind'],
      content: JSON.parse(r.content),
      recordedBy: r.recorded_by,
      recordedAt: r.recorded_at,
    });
  }
  return latest;
}
