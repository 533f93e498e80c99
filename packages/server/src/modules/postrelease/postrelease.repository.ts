import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { currentActionName, storedNamesOf, type AuditAction } from '../audit';

type Q = Kysely<Database>;

/** PO-1: one verification result (the latest per item counts). */
export interface Verification {
  seq: number;
  itemKey: string;
  result: 'passed' | 'failed';
  note: string | null;
  link: string | null;
  evidence: { digest: string; filename: string | null } | null;
  /** User acceptance: the business department the representative signs for. */
  department: string | null;
  actorId: string;
  actorName: string;
  at: string;
}

export async function insertVerification(q: Q, releaseId: string, v: Omit<Verification, 'seq'>) {
  await q
    .insertInto('release_verifications')
    .values({
      release_id: releaseId,
      item_key: v.itemKey,
      result: v.result,
      note: v.note,
      link: v.link,
      evidence_digest: v.evidence?.digest ?? null,
      evidence_filename: v.evidence?.filename ?? null,
      department: v.department,
      actor_id: v.actorId,
      actor_name: v.actorName,
      at: v.at,
    })
    .execute();
}

export async function verificationsOf(q: Q, releaseId: string): Promise<Verification[]> {
  const rows = await q
    .selectFrom('release_verifications')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    itemKey: r.item_key,
    result: r.result as Verification['result'],
    note: r.note,
    link: r.link,
    evidence: r.evidence_digest ? { digest: r.evidence_digest, filename: r.evidence_filename } : null,
    department: r.department,
    actorId: r.actor_id,
    actorName: r.actor_name,
    at: r.at,
  }));
}

/** PO-2: the CMDB update task of a release. */
export interface CmdbTask {
  releaseId: string;
  openedAt: string;
  dueAt: string;
  doneAt: string | null;
  doneBy: string | null;
  overdue: boolean;
  applied: { ciId: string; ciName: string; before: string | null; after: string }[] | null;
}

export async function openCmdbTask(q: Q, t: Pick<CmdbTask, 'releaseId' | 'openedAt' | 'dueAt'>) {
  await q
    .insertInto('cmdb_update_tasks')
    .values({ release_id: t.releaseId, opened_at: t.openedAt, due_at: t.dueAt })
    .onConflict((oc) => oc.column('release_id').doNothing())
    .execute();
}

export async function findCmdbTask(q: Q, releaseId: string): Promise<CmdbTask | undefined> {
  const r = await q
    .selectFrom('cmdb_update_tasks')
    .selectAll()
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  return (
    r && {
      releaseId: r.release_id,
      openedAt: r.opened_at,
      dueAt: r.due_at,
      doneAt: r.done_at,
      doneBy: r.done_by,
      overdue: !!r.overdue,
      applied: r.applied ? (JSON.parse(r.applied) as CmdbTask['applied']) : null,
    }
  );
}

export async function completeCmdbTask(
  q: Q,
  releaseId: string,
  d: { at: string; by: string; applied: CmdbTask['applied'] },
) {
  await q
    .updateTable('cmdb_update_tasks')
    .set({ done_at: d.at, done_by: d.by, applied: JSON.stringify(d.applied) })
    .where('release_id', '=', releaseId)
    .where('done_at', 'is', null)
    .execute();
}

export async function markCmdbTaskOverdue(q: Q, releaseId: string) {
  await q.updateTable('cmdb_update_tasks').set({ overdue: 1 }).where('release_id', '=', releaseId).execute();
}

/** PO-3: a file archived with the release (kept in the blob store by digest). */
export interface ArchiveItem {
  seq: number;
  kind: string;
  name: string;
  digest: string;
  size: number;
  mediaType: string;
  addedAt: string;
}

export async function insertArchiveItems(q: Q, releaseId: string, items: Omit<ArchiveItem, 'seq'>[]) {
  if (!items.length) return;
  await q
    .insertInto('archive_items')
    .values(
      items.map((i) => ({
        release_id: releaseId,
        kind: i.kind,
        name: i.name,
        digest: i.digest,
        size: i.size,
        media_type: i.mediaType,
        added_at: i.addedAt,
      })),
    )
    .execute();
}

export async function archiveItemsOf(q: Q, releaseId: string): Promise<ArchiveItem[]> {
  const rows = await q
    .selectFrom('archive_items')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    kind: r.kind,
    name: r.name,
    digest: r.digest,
    size: r.size,
    mediaType: r.media_type,
    addedAt: r.added_at,
  }));
}

export async function deleteArchiveItems(q: Q, releaseId: string) {
  await q.deleteFrom('archive_items').where('release_id', '=', releaseId).execute();
}

export interface Archive {
  archivedAt: string;
  archivedBy: string;
  sealedAt: string | null;
}

export async function findArchive(q: Q, releaseId: string): Promise<Archive | undefined> {
  const r = await q
    .selectFrom('release_archives')
    .selectAll()
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  return r && { archivedAt: r.archived_at, archivedBy: r.archived_by, sealedAt: r.sealed_at };
}

export async function saveArchive(q: Q, releaseId: string, a: Archive) {
  await q
    .insertInto('release_archives')
    .values({
      release_id: releaseId,
      archived_at: a.archivedAt,
      archived_by: a.archivedBy,
      sealed_at: a.sealedAt,
    })
    .onConflict((oc) =>
      oc
        .column('release_id')
        .doUpdateSet({ archived_at: a.archivedAt, archived_by: a.archivedBy, sealed_at: a.sealedAt }),
    )
    .execute();
}

/** CL-1, CL-2: the close, with the manager's analysis and lessons. */
export interface Closure {
  outcome: string;
  analysis: string | null;
  lessons: string | null;
  closedBy: string;
  closedAt: string;
}

export async function insertClosure(q: Q, releaseId: string, c: Closure) {
  await q
    .insertInto('release_closures')
    .values({
      release_id: releaseId,
      outcome: c.outcome,
      analysis: c.analysis,
      lessons: c.lessons,
      closed_by: c.closedBy,
      closed_at: c.closedAt,
    })
    .execute();
}

export async function findClosure(q: Q, releaseId: string): Promise<Closure | undefined> {
  const r = await q
    .selectFrom('release_closures')
    .selectAll()
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  return (
    r && {
      outcome: r.outcome,
      analysis: r.analysis,
      lessons: r.lessons,
      closedBy: r.closed_by,
      closedAt: r.closed_at,
    }
  );
}

/** When each of these lifecycle actions was (last) audited for the release: the record of what happened when. */
export async function actionTimes(
  q: Q,
  releaseId: string,
  actions: AuditAction[],
): Promise<Map<string, string>> {
  const rows = await q
    .selectFrom('audit_events')
    .select(['action', 'occurred_at'])
    .where('entity_type', '=', 'release')
    .where('entity_id', '=', releaseId)
    .where('action', 'in', storedNamesOf(actions))
    .where('outcome', '=', 'success')
    .orderBy('seq')
    .execute();
  return new Map(rows.map((r) => [currentActionName(r.action), r.occurred_at]));
}

/** The newest successful audited action on the release: what last happened to its record. */
export async function latestReleaseEvent(
  q: Q,
  releaseId: string,
): Promise<{ action: string; actorName: string | null; occurredAt: string } | undefined> {
  const row = await q
    .selectFrom('audit_events')
    .select(['action', 'actor_name', 'occurred_at'])
    .where('entity_type', '=', 'release')
    .where('entity_id', '=', releaseId)
    .where('outcome', '=', 'success')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return (
    row && { action: currentActionName(row.action), actorName: row.actor_name, occurredAt: row.occurred_at }
  );
}

/** The release's audit events as stored, oldest first (the evidence package: its hashes verify). */
export async function releaseEvents(q: Q, releaseId: string) {
  return q
    .selectFrom('audit_events')
    .selectAll()
    .where('entity_type', '=', 'release')
    .where('entity_id', '=', releaseId)
    .orderBy('seq')
    .execute();
}

/** The same events for people to read (the timeline, the report): actions by their current names. */
export async function releaseEventsNamedNow(q: Q, releaseId: string) {
  return (await releaseEvents(q, releaseId)).map((e) => ({ ...e, action: currentActionName(e.action) }));
}

/** DORA lead time starts at the earliest carried change's approval (its creation if it came approved). */
export async function earliestChangeApproval(q: Q, releaseId: string): Promise<string | null> {
  const rows = await q
    .selectFrom('release_changes')
    .innerJoin('changes', 'changes.id', 'release_changes.change_id')
    .select(['changes.approved_at', 'changes.created_at'])
    .where('release_changes.release_id', '=', releaseId)
    .execute();
  const times = rows.map((r) => r.approved_at ?? r.created_at).sort();
  return times[0] ?? null;
}

/** PO-4: knowledge articles linked to the release, for the report's lessons. */
export async function articlesOf(q: Q, releaseId: string) {
  return q
    .selectFrom('knowledge_releases')
    .innerJoin('knowledge_articles', 'knowledge_articles.id', 'knowledge_releases.article_id')
    .select(['knowledge_articles.id', 'knowledge_articles.number', 'knowledge_articles.title'])
    .where('knowledge_releases.release_id', '=', releaseId)
    .orderBy('knowledge_articles.number')
    .execute();
}

/** TY-4: the review of an emergency release after the fact. */
export interface EmergencyReview {
  justified: boolean;
  findings: string;
  reviewerId: string;
  reviewerName: string;
  reviewedAt: string;
}

export async function insertReview(q: Q, releaseId: string, r: EmergencyReview) {
  await q
    .insertInto('release_reviews')
    .values({
      release_id: releaseId,
      justified: r.justified ? 1 : 0,
      findings: r.findings,
      reviewer_id: r.reviewerId,
      reviewer_name: r.reviewerName,
      reviewed_at: r.reviewedAt,
    })
    .execute();
}

export async function findReview(q: Q, releaseId: string): Promise<EmergencyReview | undefined> {
  const r = await q
    .selectFrom('release_reviews')
    .selectAll()
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  return (
    r && {
      justified: Number(r.justified) === 1,
      findings: r.findings,
      reviewerId: r.reviewer_id,
      reviewerName: r.reviewer_name,
      reviewedAt: r.reviewed_at,
    }
  );
}
