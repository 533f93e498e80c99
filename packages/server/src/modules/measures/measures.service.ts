import type { Kysely } from 'kysely';
import {
  MEASURES_TIME_ZONE,
  countsInSuccessRate,
  measureRules,
  median,
  quarterMeasures,
  quartersBetween,
  type Clock,
  type PolicyRules,
  type QuarterMeasures,
  type ReleaseOutcome,
  type ReleaseType,
} from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { recordStandalone, type AuditWriter } from '../audit';
import { authorize } from '../../authorize';
import { policyInForce } from '../policy';
import * as repo from './measures.repository';
import { quarterReport, type ReportFormat, type ReportLanguage } from './measures.report';

export interface MeasuresDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
}

/** The widest range one request may ask for: ten years of quarters. */
export const MAX_QUARTERS = 40;

async function policyFacts(q: Kysely<Database>, clock: Clock) {
  const policy = await policyInForce(q, clock);
  return {
    policy: { number: policy.document.number, version: policy.document.version },
    rules: policy.document.rules,
  };
}

/** KP-1, KP-2 for each quarter of the range, against the target of the policy in force. */
async function measuresOf(q: Kysely<Database>, rules: PolicyRules, from: string, to: string) {
  const quarters = quartersBetween(from, to, MAX_QUARTERS);
  const aggregates = await repo.quarterAggregates(q, from, to);
  return quarters.map((quarter) => {
    const a = aggregates.get(quarter);
    return quarterMeasures(
      quarter,
      a?.groups ?? [],
      {
        changeLeadMinutes: median(a?.middles.changeLeadMinutes ?? []),
        planApprovalMinutes: median(a?.middles.planApprovalMinutes ?? []),
        restoreMinutes: median(a?.middles.restoreMinutes ?? []),
      },
      rules.successRateTarget,
    );
  });
}

/** GET /api/measures/quarters: the quarters of the range with the rules that produced them. */
export async function quarterSummaries(deps: MeasuresDeps, ctx: RequestContext, from: string, to: string) {
  authorize(ctx, 'measures.read');
  const q = deps.db.kysely;
  const { policy, rules } = await policyFacts(q, deps.clock);
  return {
    from,
    to,
    timeZone: MEASURES_TIME_ZONE,
    policy,
    target: rules.successRateTarget,
    rules: measureRules(rules),
    quarters: await measuresOf(q, rules, from, to),
  };
}

export interface RecordQuery {
  outcome?: ReleaseOutcome;
  type?: ReleaseType;
  sort: repo.RecordSort;
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

const view = (r: repo.StoredRecord) => ({ ...r, countsInSuccessRate: countsInSuccessRate(r.outcome) });

/** KP-1 drill-down: a page of the quarter's closed releases, filtered and sorted. */
export async function quarterReleases(
  deps: MeasuresDeps,
  ctx: RequestContext,
  quarter: string,
  query: RecordQuery,
) {
  authorize(ctx, 'measures.read');
  quartersBetween(quarter, quarter);
  const { outcome, type, ...page } = query;
  const { total, items } = await repo.quarterRecords(deps.db.kysely, quarter, { outcome, type }, page);
  return { quarter, total, limit: page.limit, offset: page.offset, items: items.map(view) };
}

/** KP-3: the quarter as a report (summary and releases), recorded in the audit log. */
export async function exportQuarter(
  deps: MeasuresDeps,
  ctx: RequestContext,
  quarter: string,
  format: ReportFormat,
  language: ReportLanguage,
): Promise<Buffer> {
  authorize(ctx, 'measures.read');
  const q = deps.db.kysely;
  const { policy, rules } = await policyFacts(q, deps.clock);
  const [measures] = await measuresOf(q, rules, quarter, quarter);
  const records: ReturnType<typeof view>[] = [];
  for await (const r of repo.iterateQuarterRecords(q, quarter)) records.push(view(r));
  const report = await quarterReport(format, language, {
    measures,
    records,
    policy,
    rules: measureRules(rules),
    generatedAt: deps.clock.now().toISOString(),
  });
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'measures.export',
    entityType: 'measures',
    entityId: quarter,
    details: { quarter, format, language, releases: records.length },
  });
  return report;
}

export type { QuarterMeasures };
