import type { Reason } from '@releasegate/messages';
import type { Kysely, Selectable } from 'kysely';
import type { TriggerKind, TriggerSource } from '@releasegate/domain';
import type { Database, RollbackTriggersTable } from '../../db/schema';
import { nextNumber } from '../../db/sequences';

type Q = Kysely<Database>;

/** RB-1, RB-2: a rollback trigger and its one decision. */
export interface Trigger {
  id: string;
  releaseId: string;
  kind: TriggerKind;
  source: TriggerSource;
  summary: string;
  evidence: string | null;
  /** The evidence as a reason of the catalog, when the system wrote it. */
  evidenceReason: Reason | null;
  /** The plan indicator whose reading raised it (source `metric`), else null. */
  indicator: string | null;
  discoveredAt: string;
  raisedAt: string;
  raisedBy: string;
  decisionDueAt: string;
  decision: 'rollback' | 'continue' | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionMinutes: number | null;
  late: boolean;
  escalations: number;
  overdue: boolean;
}

const toTrigger = (r: Selectable<RollbackTriggersTable>): Trigger => ({
  id: r.id,
  releaseId: r.release_id,
  kind: r.kind as TriggerKind,
  source: r.source as TriggerSource,
  summary: r.summary,
  evidence: r.evidence,
  evidenceReason: r.evidence_reason ? (JSON.parse(r.evidence_reason) as Reason) : null,
  indicator: r.indicator_key,
  discoveredAt: r.discovered_at,
  raisedAt: r.raised_at,
  raisedBy: r.raised_by,
  decisionDueAt: r.decision_due_at,
  decision: r.decision as Trigger['decision'],
  decisionReason: r.decision_reason,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionMinutes: r.decision_minutes,
  late: !!r.late,
  escalations: r.escalations,
  overdue: !!r.overdue,
});

export async function insertTrigger(q: Q, t: Trigger): Promise<void> {
  await q
    .insertInto('rollback_triggers')
    .values({
      id: t.id,
      release_id: t.releaseId,
      kind: t.kind,
      source: t.source,
      summary: t.summary,
      evidence: t.evidence,
      evidence_reason: t.evidenceReason ? JSON.stringify(t.evidenceReason) : null,
      indicator_key: t.indicator,
      discovered_at: t.discoveredAt,
      raised_at: t.raisedAt,
      raised_by: t.raisedBy,
      decision_due_at: t.decisionDueAt,
    })
    .execute();
}

export async function triggersOf(q: Q, releaseId: string): Promise<Trigger[]> {
  const rows = await q
    .selectFrom('rollback_triggers')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('discovered_at')
    .orderBy('raised_at')
    .execute();
  return rows.map(toTrigger);
}

export async function findTrigger(q: Q, id: string): Promise<Trigger | undefined> {
  const row = await q.selectFrom('rollback_triggers').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTrigger(row);
}

export async function countOpenTriggers(q: Q, releaseId: string): Promise<number> {
  const row = await q
    .selectFrom('rollback_triggers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('release_id', '=', releaseId)
    .where('decision', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** RB-2: whether a rollback was ever decided for the release (it took the rollback path). */
export async function rollbackDecided(q: Q, releaseId: string): Promise<boolean> {
  const row = await q
    .selectFrom('rollback_triggers')
    .select('id')
    .where('release_id', '=', releaseId)
    .where('decision', '=', 'rollback')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records the decision once: false when it was decided meanwhile. */
export async function decideTrigger(
  q: Q,
  id: string,
  d: {
    decision: 'rollback' | 'continue';
    reason: string | null;
    by: string;
    at: string;
    minutes: number;
    late: boolean;
  },
): Promise<boolean> {
  const result = await q
    .updateTable('rollback_triggers')
    .set({
      decision: d.decision,
      decision_reason: d.reason,
      decided_by: d.by,
      decided_at: d.at,
      decision_minutes: d.minutes,
      late: d.late ? 1 : 0,
    })
    .where('id', '=', id)
    .where('decision', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function markEscalated(q: Q, id: string, overdue: boolean): Promise<void> {
  await q
    .updateTable('rollback_triggers')
    .set((eb) => ({ escalations: eb('escalations', '+', 1), ...(overdue && { overdue: 1 }) }))
    .where('id', '=', id)
    .execute();
}

/** RB-4: one comparison of the configuration now against its pre-release values. */
export interface RestorationItem {
  ciId: string;
  ciName: string;
  expectedVersion: string | null;
  cmdbVersion: string | null;
  observedVersion: string | null;
  /** In English; `differenceReasons` are the same as codes (checks recorded before 2026-12 have none). */
  differences: string[];
  differenceReasons?: Reason[];
  /** Differences from the baseline on a CI this release did not change (other releases, by hand): shown, not blocking. */
  changedElsewhere?: string[];
  changedElsewhereReasons?: Reason[];
  ok: boolean;
}

export interface RestorationCheck {
  seq: number;
  ok: boolean;
  items: RestorationItem[];
  actor: string;
  at: string;
}

export async function insertRestorationCheck(q: Q, releaseId: string, c: Omit<RestorationCheck, 'seq'>) {
  await q
    .insertInto('restoration_checks')
    .values({
      release_id: releaseId,
      ok: c.ok ? 1 : 0,
      items: JSON.stringify(c.items),
      actor: c.actor,
      at: c.at,
    })
    .execute();
}

export async function restorationChecksOf(q: Q, releaseId: string): Promise<RestorationCheck[]> {
  const rows = await q
    .selectFrom('restoration_checks')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    ok: !!r.ok,
    items: JSON.parse(r.items) as RestorationItem[],
    actor: r.actor,
    at: r.at,
  }));
}

/** RB-5: the problem record a rollback leaves. */
export interface ProblemRecord {
  id: string;
  number: string;
  releaseId: string;
  title: string;
  reason: string;
  /** Each event in English and, for records made since 2026-12, as a reason of the catalog. */
  course: { at: string; event: string; reason?: Reason; actor: string | null }[];
  createdAt: string;
  createdBy: string;
}

/** PRB-<year>-<n> from the counter, inside the transaction that records the problem. */
export function nextProblemNumber(q: Q, year: number): Promise<string> {
  return nextNumber(q, 'problem', year);
}

export async function insertProblem(q: Q, p: ProblemRecord): Promise<void> {
  await q
    .insertInto('problem_records')
    .values({
      id: p.id,
      number: p.number,
      release_id: p.releaseId,
      title: p.title,
      reason: p.reason,
      course: JSON.stringify(p.course),
      created_at: p.createdAt,
      created_by: p.createdBy,
    })
    .execute();
}

export async function problemsOf(q: Q, releaseId: string): Promise<ProblemRecord[]> {
  const rows = await q
    .selectFrom('problem_records')
    .selectAll()
    .where('release_id', '=', releaseId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    releaseId: r.release_id,
    title: r.title,
    reason: r.reason,
    course: JSON.parse(r.course) as ProblemRecord['course'],
    createdAt: r.created_at,
    createdBy: r.created_by,
  }));
}
