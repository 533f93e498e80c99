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

/** The records of quarters from..to grouped by quarter, outcome, type and deployed, summed. */
export async function outcomeGroups(q: Q, from: string, to: string): Promise<Map<string, OutcomeGroup[]>> {
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
    ])
    .where('quarter', '>=', from)
    .where('quarter', '<=', to)
    .groupBy(['quarter', 'outcome', 'type', 'deployed'])
    .execute();
  const result = new Map<string, OutcomeGroup[]>();
  for (const r of rows) {
    const groups = result.get(r.quarter) ?? [];
    groups.push({
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
    result.set(r.quarter, groups);
  }
  return result;
}

const MEDIAN_COLUMNS = {
  changeLeadMinutes: 'change_lead_minutes',
  planApprovalMinutes: 'plan_approval_minutes',
  restoreMinutes: 'restore_minutes',
} as const satisfies Record<keyof QuarterMedians, keyof ReleaseRecordsTable>;

/**
 * The middle values of a column per quarter (one for an odd count, two for an even one), over
 * the records that have it: window functions, the same SQL on SQLite and PostgreSQL.
 */
async function middleValues(q: Q, column: string, from: string, to: string): Promise<Map<string, number[]>> {
  const { rows } = await sql<{ quarter: string; v: number }>`
    select quarter, v from (
      select quarter, ${sql.ref(column)} as v,
        row_number() over (partition by quarter order by ${sql.ref(column)}) as rn,
        count(*) over (partition by quarter) as n
      from release_records
      where quarter >= ${from} and quarter <= ${to} and ${sql.ref(column)} is not null
    ) ranked
    where rn = (n + 1) / 2 or rn = (n + 2) / 2`.execute(q);
  const result = new Map<string, number[]>();
  for (const r of rows) result.set(r.quarter, [...(result.get(r.quarter) ?? []), Number(r.v)]);
  return result;
}

/** Per quarter, the middle values of each median measure (the domain's median() finishes them). */
export async function medianInputs(
  q: Q,
  from: string,
  to: string,
): Promise<Map<string, Record<keyof QuarterMedians, number[]>>> {
  const result = new Map<string, Record<keyof QuarterMedians, number[]>>();
  for (const [key, column] of Object.entries(MEDIAN_COLUMNS) as [keyof QuarterMedians, string][]) {
    for (const [quarter, values] of await middleValues(q, column, from, to)) {
      const entry = result.get(quarter) ?? {
        changeLeadMinutes: [],
        planApprovalMinutes: [],
        restoreMinutes: [],
      };
      entry[key] = values;
      result.set(quarter, entry);
    }
  }
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
