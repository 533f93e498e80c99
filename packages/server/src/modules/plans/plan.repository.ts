import type { Kysely, Selectable } from 'kysely';
import type { PlanContent, PlanStatus } from '@releasegate/domain';
import type { Database, PlanVersionsTable } from '../../db/schema';

type Q = Kysely<Database>;

export interface PlanVersion {
  id: string;
  releaseId: string;
  version: number;
  status: PlanStatus;
  content: PlanContent;
  drafterId: string;
  drafterName: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
}

const toPlan = (r: Selectable<PlanVersionsTable>): PlanVersion => ({
  id: r.id,
  releaseId: r.release_id,
  version: r.version,
  status: r.status as PlanStatus,
  content: JSON.parse(r.content) as PlanContent,
  drafterId: r.drafter_id,
  drafterName: r.drafter_name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  submittedAt: r.submitted_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionComment: r.decision_comment,
});

const toRow = (p: PlanVersion): Selectable<PlanVersionsTable> => ({
  id: p.id,
  release_id: p.releaseId,
  version: p.version,
  status: p.status,
  content: JSON.stringify(p.content),
  drafter_id: p.drafterId,
  drafter_name: p.drafterName,
  window_start: p.content.window?.start ?? null,
  window_end: p.content.window?.end ?? null,
  created_at: p.createdAt,
  updated_at: p.updatedAt,
  submitted_at: p.submittedAt,
  decided_by: p.decidedBy,
  decided_at: p.decidedAt,
  decision_comment: p.decisionComment,
});

export async function insertPlan(q: Q, p: PlanVersion): Promise<void> {
  await q.insertInto('plan_versions').values(toRow(p)).execute();
}

/** Saves a plan version if its status is still `expectedStatus`; an approved version is never written again (PL-3). */
export async function updatePlan(q: Q, p: PlanVersion, expectedStatus: PlanStatus): Promise<boolean> {
  const { id: _id, ...row } = toRow(p);
  const r = await q
    .updateTable('plan_versions')
    .set(row)
    .where('id', '=', p.id)
    .where('status', '=', expectedStatus)
    .where('status', '!=', 'approved')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Status-only change (approved → superseded when a revision is approved). */
export async function setPlanStatus(q: Q, id: string, from: PlanStatus, to: PlanStatus): Promise<void> {
  await q
    .updateTable('plan_versions')
    .set({ status: to })
    .where('id', '=', id)
    .where('status', '=', from)
    .execute();
}

export async function latestPlan(q: Q, releaseId: string): Promise<PlanVersion | undefined> {
  const r = await q
    .selectFrom('plan_versions')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r && toPlan(r);
}

export async function plansOf(q: Q, releaseId: string): Promise<PlanVersion[]> {
  return (
    await q
      .selectFrom('plan_versions')
      .selectAll()
      .where('release_id', '=', releaseId)
      .orderBy('version', 'desc')
      .execute()
  ).map(toPlan);
}

/** The approved plan version a release runs under (at most one is approved at a time, PL-3). */
export async function approvedPlanOf(q: Q, releaseId: string): Promise<PlanVersion | undefined> {
  const r = await q
    .selectFrom('plan_versions')
    .selectAll()
    .where('release_id', '=', releaseId)
    .where('status', '=', 'approved')
    .executeTakeFirst();
  return r && toPlan(r);
}

/** Current plans of other open releases whose windows overlap [start, end). */
export async function overlappingPlans(
  q: Q,
  start: string,
  end: string,
  exceptReleaseId: string,
): Promise<(PlanVersion & { releaseNumber: string; releaseTitle: string })[]> {
  const rows = await q
    .selectFrom('plan_versions as p')
    .innerJoin('releases as r', 'r.id', 'p.release_id')
    .selectAll('p')
    .select(['r.number as release_number', 'r.title as release_title'])
    .where('p.release_id', '!=', exceptReleaseId)
    // A release closed or already rolled back no longer holds its window.
    .where('r.state', 'not in', ['closed', 'rolled_back'])
    .where('p.status', 'in', ['draft', 'submitted', 'approved'])
    .where('p.window_start', '<', end)
    .where('p.window_end', '>', start)
    .execute();
  return rows.map((r) => ({ ...toPlan(r), releaseNumber: r.release_number, releaseTitle: r.release_title }));
}

export interface PlanComment {
  seq: number;
  kind: 'comment' | 'submitted' | 'approved' | 'rejected' | 'override' | 'taken_over';
  text: string | null;
  authorId: string;
  authorName: string;
  at: string;
}

export async function insertComment(q: Q, planId: string, c: Omit<PlanComment, 'seq'>): Promise<void> {
  await q
    .insertInto('plan_comments')
    .values({
      plan_id: planId,
      kind: c.kind,
      text: c.text,
      author_id: c.authorId,
      author_name: c.authorName,
      at: c.at,
    })
    .execute();
}

export async function commentsOf(q: Q, planId: string): Promise<PlanComment[]> {
  const rows = await q
    .selectFrom('plan_comments')
    .selectAll()
    .where('plan_id', '=', planId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind as PlanComment['kind'],
    text: r.text,
    authorId: r.author_id,
    authorName: r.author_name,
    at: r.at,
  }));
}

export interface ConflictOverride {
  conflictKey: string;
  reason: string;
  byName: string;
  at: string;
}

export async function insertOverride(q: Q, planId: string, o: ConflictOverride): Promise<void> {
  await q
    .insertInto('plan_conflict_overrides')
    .values({ plan_id: planId, conflict_key: o.conflictKey, reason: o.reason, by_name: o.byName, at: o.at })
    .execute();
}

export async function overridesOf(q: Q, planId: string): Promise<ConflictOverride[]> {
  const rows = await q
    .selectFrom('plan_conflict_overrides')
    .selectAll()
    .where('plan_id', '=', planId)
    .execute();
  return rows.map((r) => ({ conflictKey: r.conflict_key, reason: r.reason, byName: r.by_name, at: r.at }));
}

// Freeze windows

export interface FreezeWindow {
  id: string;
  name: string;
  startsAt: string;
  endsAt: string;
  reason: string | null;
  createdBy: string;
  createdAt: string;
}

export async function insertFreeze(q: Q, f: FreezeWindow): Promise<void> {
  await q
    .insertInto('freeze_windows')
    .values({
      id: f.id,
      name: f.name,
      starts_at: f.startsAt,
      ends_at: f.endsAt,
      reason: f.reason,
      created_by: f.createdBy,
      created_at: f.createdAt,
    })
    .execute();
}

export async function deleteFreeze(q: Q, id: string): Promise<boolean> {
  return (
    Number((await q.deleteFrom('freeze_windows').where('id', '=', id).executeTakeFirst()).numDeletedRows) ===
    1
  );
}

export async function findFreeze(q: Q, id: string): Promise<FreezeWindow | undefined> {
  const r = await q.selectFrom('freeze_windows').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    r && {
      id: r.id,
      name: r.name,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }
  );
}

export async function freezesOverlapping(q: Q, start: string, end: string): Promise<FreezeWindow[]> {
  const rows = await q
    .selectFrom('freeze_windows')
    .selectAll()
    .where('starts_at', '<', end)
    .where('ends_at', '>', start)
    .orderBy('starts_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

/** Plans of open releases with windows in [from, to), for the release calendar. */
export async function plansInRange(q: Q, from: string, to: string) {
  return q
    .selectFrom('plan_versions as p')
    .innerJoin('releases as r', 'r.id', 'p.release_id')
    .select([
      'p.id',
      'p.release_id',
      'p.version',
      'p.status',
      'p.window_start',
      'p.window_end',
      'r.number',
      'r.title',
      'r.type',
      'r.state',
    ])
    .where('p.window_start', '<', to)
    .where('p.window_end', '>', from)
    .where('p.status', 'in', ['draft', 'submitted', 'approved'])
    .orderBy('p.window_start')
    .execute();
}

/** Who approved any plan version of the release (RO-5, TY-4: the review comes from someone else). */
export async function approverIdsOf(q: Q, releaseId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('plan_comments')
    .innerJoin('plan_versions', 'plan_versions.id', 'plan_comments.plan_id')
    .select('plan_comments.author_id')
    .distinct()
    .where('plan_versions.release_id', '=', releaseId)
    .where('plan_comments.kind', '=', 'approved')
    .execute();
  return rows.map((r) => r.author_id);
}
