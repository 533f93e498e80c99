import { sql, type Kysely, type Selectable } from 'kysely';
import {
  recordFacts,
  type OutcomeGroup,
  type QuarterMedians,
  type ReleaseOutcome,
  type ReleaseRecord,
  type ReleaseType,
} from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { ReleaseRecordsTable } from './measures.tables';

type Q = Kysely<Database>;

export type { ReleaseRecord };

/**
 * KP-1, KP-2: writes the record of a release being closed. Call it inside the close
 * transaction with that transaction's handle; the quarter and the derived facts are computed
 * here from the record, so no caller can get them wrong.
 */
export async function recordReleaseOutcome(q: Q, record: ReleaseRecord): Promise<void> {
  await q.insertInto('release_records').values(toRow(record)).execute();
}

export function toRow(record: ReleaseRecord): ReleaseRecordsTable {
  const facts = recordFacts(record);
  return {
    release_id: record.releaseId,
    number: record.number,
    title: record.title,
    type: record.type,
    outcome: record.outcome,
    requested_at: record.requestedAt,
    plan_submitted_at: record.planSubmittedAt,
    plan_approved_at: record.planApprovedAt,
    implementation_started_at: record.implementationStartedAt,
    implementation_ended_at: record.implementationEndedAt,
    restored_at: record.restoredAt,
    closed_at: record.closedAt,
    quarter: facts.quarter,
    rollback_decisions: record.rollbackDecisions,
    rollback_decision_minutes_total: record.rollbackDecisionMinutesTotal,
    late_decisions: record.lateDecisions,
    cmdb_due_at: record.cmdbDueAt,
    cmdb_done_at: record.cmdbDoneAt,
    change_lead_minutes: record.changeLeadMinutes,
    deployed: facts.deployed ? 1 : 0,
    plan_approval_minutes: facts.planApprovalMinutes,
    restore_minutes: facts.restoreMinutes,
    cmdb_on_time: facts.cmdbOnTime === null ? null : facts.cmdbOnTime ? 1 : 0,
  };
}

/** A stored record with the facts derived from it, as the drill-down and the report show it. */
export interface StoredRecord extends ReleaseRecord {
  quarter: string;
  deployed: boolean;
  planApprovalMinutes: number | null;
  restoreMinutes: number | null;
  cmdbOnTime: boolean | null;
}

const toRecord = (r: Selectable<ReleaseRecordsTable>): StoredRecord => ({
  releaseId: r.release_id,
  number: r.number,
  title: r.title,
  type: r.type as ReleaseType | null,
  outcome: r.outcome as ReleaseOutcome,
  requestedAt: r.requested_at,
  planSubmittedAt: r.plan_submitted_at,
  planApprovedAt: r.plan_approved_at,
  implementationStartedAt: r.implementation_started_at,
  implementationEndedAt: r.implementation_ended_at,
  restoredAt: r.restored_at,
  closedAt: r.closed_at,
  rollbackDecisions: Number(r.rollback_decisions),
  rollbackDecisionMinutesTotal: Number(r.rollback_decision_minutes_total),
  lateDecisions: Number(r.late_decisions),
  cmdbDueAt: r.cmdb_due_at,
  cmdbDoneAt: r.cmdb_done_at,
  changeLeadMinutes: r.change_lead_minutes,
  quarter: r.quarter,
  deployed: !!r.deployed,
  planApprovalMinutes: r.plan_approval_minutes,
  restoreMinutes: r.restore_minutes,
  cmdbOnTime: r.cmdb_on_time === null ? null : !!r.cmdb_on_time,
});

export async function findRecord(q: Q, releaseId: string): Promise<StoredRecord | undefined> {
  const row = await q
    .selectFrom('release_records')
    .selectAll()
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
  return row && toRecord(row);
}

const MEDIAN_COLUMNS = {
  changeLeadMinutes: 'change_lead_minutes',
  planApprovalMinutes: 'plan_approval_minutes',
  restoreMinutes: 'restore_minutes',
} as const satisfies Record<keyof QuarterMedians, keyof ReleaseRecordsTable>;
type MedianKey = keyof QuarterMedians;
const MEDIAN_KEYS = Object.keys(MEDIAN_COLUMNS) as MedianKey[];

/** A quarter's records grouped and summed, and the middle values of each median measure. */
export interface QuarterAggregate {
  groups: OutcomeGroup[];
  /** One middle value (odd count) or two (even count) per measure; the domain's median() finishes them. */
  middles: Record<MedianKey, number[]>;
}

/**
 * The quarters from..to in two steps, both reading indexes only:
 * 1. one GROUP BY over the summary index (it covers every grouped and summed column, and the
 *    median columns, whose non-null counts it also returns);
 * 2. per quarter and median measure, the middle value(s) by LIMIT/OFFSET along the (quarter,
 *    value) index: no sort. The same SQL on SQLite and PostgreSQL. (Window-function medians
 *    sorted every row of the range: see docs/performance.md.)
 */
export async function quarterAggregates(
  q: Q,
  from: string,
  to: string,
): Promise<Map<string, QuarterAggregate>> {
  const rows = await q
    .selectFrom('release_records')
    .select((eb) => [
      'quarter',
      'outcome',
      'type',
      'deployed',
      eb.fn.countAll<number>().as('releases'),
      eb.fn.sum<number>('rollback_decisions').as('rollback_decisions'),
      eb.fn.sum<number>('rollback_decision_minutes_total').as('rollback_decision_minutes'),
      eb.fn.sum<number>('late_decisions').as('late_decisions'),
      eb.fn.count<number>('cmdb_on_time').as('cmdb_due'),
      eb.fn.sum<number>('cmdb_on_time').as('cmdb_on_time'),
      eb.fn.count<number>('change_lead_minutes').as('changeLeadMinutes'),
      eb.fn.count<number>('plan_approval_minutes').as('planApprovalMinutes'),
      eb.fn.count<number>('restore_minutes').as('restoreMinutes'),
    ])
    .where('quarter', '>=', from)
    .where('quarter', '<=', to)
    .groupBy(['quarter', 'outcome', 'type', 'deployed'])
    .execute();
  const result = new Map<string, QuarterAggregate>();
  const counts = new Map<string, Record<MedianKey, number>>();
  for (const r of rows) {
    let entry = result.get(r.quarter);
    if (!entry) {
      entry = { groups: [], middles: { changeLeadMinutes: [], planApprovalMinutes: [], restoreMinutes: [] } };
      result.set(r.quarter, entry);
      counts.set(r.quarter, { changeLeadMinutes: 0, planApprovalMinutes: 0, restoreMinutes: 0 });
    }
    entry.groups.push({
      outcome: r.outcome as ReleaseOutcome,
      type: r.type as ReleaseType | null,
      deployed: !!r.deployed,
      releases: Number(r.releases),
      rollbackDecisions: Number(r.rollback_decisions),
      rollbackDecisionMinutes: Number(r.rollback_decision_minutes),
      lateDecisions: Number(r.late_decisions),
      cmdbDue: Number(r.cmdb_due),
      cmdbOnTime: Number(r.cmdb_on_time ?? 0),
    });
    const c = counts.get(r.quarter)!;
    for (const key of MEDIAN_KEYS) c[key] += Number(r[key]);
  }
  await Promise.all(
    [...counts].flatMap(([quarter, c]) =>
      MEDIAN_KEYS.filter((key) => c[key] > 0).map(async (key) => {
        const column = MEDIAN_COLUMNS[key];
        const middle = await q
          .selectFrom('release_records')
          .select(sql<number>`${sql.ref(column)}`.as('v'))
          .where('quarter', '=', quarter)
          .where(column, 'is not', null)
          .orderBy(column)
          .limit(2 - (c[key] % 2))
          .offset((c[key] - 1) >> 1)
          .execute();
        result.get(quarter)!.middles[key] = middle.map((m) => Number(m.v));
      }),
    ),
  );
  return result;
}

export const RECORD_SORTS = {
  closedAt: 'closed_at',
  number: 'number',
  outcome: 'outcome',
  type: 'type',
  changeLeadMinutes: 'change_lead_minutes',
} as const;
export type RecordSort = keyof typeof RECORD_SORTS;

export interface RecordFilter {
  outcome?: ReleaseOutcome;
  type?: ReleaseType;
}

function filtered(q: Q, quarter: string, filter: RecordFilter) {
  let query = q.selectFrom('release_records').where('quarter', '=', quarter);
  if (filter.outcome) query = query.where('outcome', '=', filter.outcome);
  if (filter.type) query = query.where('type', '=', filter.type);
  return query;
}

/** One page of a quarter's records, sorted, with the number of records matching the filter. */
export async function quarterRecords(
  q: Q,
  quarter: string,
  filter: RecordFilter,
  page: { sort: RecordSort; order: 'asc' | 'desc'; limit: number; offset: number },
): Promise<{ total: number; items: StoredRecord[] }> {
  const { total } = await filtered(q, quarter, filter)
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await filtered(q, quarter, filter)
    .selectAll()
    .orderBy(RECORD_SORTS[page.sort], page.order)
    .orderBy('release_id', page.order)
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { total: Number(total), items: rows.map(toRecord) };
}

/** Every record of a quarter in closing order, read in pages (the report). */
export async function* iterateQuarterRecords(
  q: Q,
  quarter: string,
  pageSize = 2000,
): AsyncGenerator<StoredRecord> {
  let after: { closedAt: string; releaseId: string } | null = null;
  for (;;) {
    let query = q.selectFrom('release_records').selectAll().where('quarter', '=', quarter);
    if (after) {
      const { closedAt, releaseId } = after;
      query = query.where((eb) =>
        eb.or([
          eb('closed_at', '>', closedAt),
          eb.and([eb('closed_at', '=', closedAt), eb('release_id', '>', releaseId)]),
        ]),
      );
    }
    const rows = await query.orderBy('closed_at').orderBy('release_id').limit(pageSize).execute();
    for (const row of rows) yield toRecord(row);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { closedAt: last.closed_at, releaseId: last.release_id };
  }
}
