import type { PolicyRules, ReleaseType } from '../policy/policy';
import { RELEASE_OUTCOMES, type ReleaseOutcome } from '../release/lifecycle';
import { daysInQuarter, quarterBounds, quarterOf, type Quarter } from './quarter';
import { meetsTarget, ratio, round, type Ratio } from './ratio';

/**
 * What a closed release contributes to the measures (KP-1, KP-2): written once, in the close
 * transaction, and never changed. Times are ISO-8601 UTC.
 */
export interface ReleaseRecord {
  releaseId: string;
  number: string;
  title: string;
  /** Null for a release rejected at intake before it was classified (TY-1). */
  type: ReleaseType | null;
  outcome: ReleaseOutcome;
  requestedAt: string;
  /** The plan's first submission for approval. */
  planSubmittedAt: string | null;
  /** When the plan version that was executed (or the last one) was approved. */
  planApprovedAt: string | null;
  /** Null: the release never reached implementation. */
  implementationStartedAt: string | null;
  implementationEndedAt: string | null;
  /** When a rollback completed and the state was restored (RB-4). */
  restoredAt: string | null;
  closedAt: string;
  /** RB-2: decisions taken on rollback triggers, their total minutes from discovery, and how many were late. */
  rollbackDecisions: number;
  rollbackDecisionMinutesTotal: number;
  lateDecisions: number;
  /** PO-2: the CMDB update task's deadline and completion. */
  cmdbDueAt: string | null;
  cmdbDoneAt: string | null;
  /**
   * DORA lead time: minutes from the earliest carried change's approval (or its creation when it
   * came approved from an external system) to the end of implementation. Null when the release
   * was never implemented.
   */
  changeLeadMinutes: number | null;
}

/** KP-1, RB-6: only these outcomes count; successful is the numerator. */
export const COUNTED_OUTCOMES: readonly ReleaseOutcome[] = ['successful', 'failed', 'rolled_back'];

/**
 * KP-1: a closed release counts in the success rate when it ended successful, failed or rolled
 * back (RB-6: a rollback is unsuccessful). A cancelled release (cancelling is only possible before
 * implementation) and a rejected request are not counted.
 */
export function countsInSuccessRate(outcome: ReleaseOutcome): boolean {
  return COUNTED_OUTCOMES.includes(outcome);
}

export const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 60_000;

/** Facts the measures need that follow from a record alone; stored beside it for aggregation. */
export interface RecordFacts {
  quarter: Quarter;
  /** Reached implementation (a deployment in the DORA sense). */
  deployed: boolean;
  /** Plan approval lead time: first submission to approval. */
  planApprovalMinutes: number | null;
  /** DORA time to restore: start of the failed implementation to the completed rollback. */
  restoreMinutes: number | null;
  /** PO-2: the CMDB update was done by its deadline; null when no update was due. */
  cmdbOnTime: boolean | null;
}

export function recordFacts(r: ReleaseRecord): RecordFacts {
  return {
    quarter: quarterOf(r.closedAt),
    deployed: r.implementationStartedAt !== null,
    planApprovalMinutes:
      r.planSubmittedAt && r.planApprovedAt ? minutesBetween(r.planSubmittedAt, r.planApprovedAt) : null,
    restoreMinutes:
      r.outcome === 'rolled_back' && r.implementationStartedAt && r.restoredAt
        ? minutesBetween(r.implementationStartedAt, r.restoredAt)
        : null,
    cmdbOnTime:
      r.cmdbDueAt === null
        ? null
        : r.cmdbDoneAt !== null && Date.parse(r.cmdbDoneAt) <= Date.parse(r.cmdbDueAt),
  };
}

/** One group of a quarter's records with the same outcome, type and deployed flag, summed. */
export interface OutcomeGroup {
  outcome: ReleaseOutcome;
  type: ReleaseType | null;
  deployed: boolean;
  releases: number;
  rollbackDecisions: number;
  rollbackDecisionMinutes: number;
  lateDecisions: number;
  /** Records with a CMDB update due, and those done on time. */
  cmdbDue: number;
  cmdbOnTime: number;
}

/** Medians over a quarter's records (each over the records that have the value). */
export interface QuarterMedians {
  changeLeadMinutes: number | null;
  planApprovalMinutes: number | null;
  restoreMinutes: number | null;
}

export interface QuarterMeasures {
  quarter: Quarter;
  /** The quarter's first instant and the next one's (exclusive), UTC. */
  start: string;
  end: string;
  /** Releases closed in the quarter, by outcome. */
  closed: number;
  outcomes: Record<ReleaseOutcome, number>;
  /** KP-1: successful over successful + failed + rolled back, against the policy's target. */
  successRate: Ratio & { target: number; meetsTarget: boolean | null };
  /** KP-2: CMDB updates done by their deadline over updates due. */
  cmdbOnTimeRate: Ratio;
  /** KP-2: rollback decisions (RB-2): how many, their mean minutes from discovery, and late ones. */
  rollbackDecisions: { decisions: number; meanMinutes: number | null; late: number; lateRate: Ratio };
  /** KP-2: emergency releases among the counted releases; counted releases by type. */
  emergencyShare: Ratio;
  byType: Record<ReleaseType, number>;
  /** KP-2: plan approval lead time (first submission to approval), median minutes. */
  planApprovalMinutesMedian: number | null;
  /** KP-2: the DORA measures, over the releases closed in the quarter. */
  dora: {
    /** Releases that reached implementation. */
    deployments: number;
    deploymentsPerWeek: number;
    leadTimeMinutesMedian: number | null;
    /** Deployed releases that failed or were rolled back, over deployed releases. */
    changeFailureRate: Ratio;
    timeToRestoreMinutesMedian: number | null;
  };
}

const zeroOutcomes = () =>
  Object.fromEntries(RELEASE_OUTCOMES.map((o) => [o, 0])) as Record<ReleaseOutcome, number>;

/** The quarter's measures from its groups and medians, against the policy's success-rate target. */
export function quarterMeasures(
  quarter: Quarter,
  groups: readonly OutcomeGroup[],
  medians: QuarterMedians,
  targetPercent: number,
): QuarterMeasures {
  const outcomes = zeroOutcomes();
  const byType: Record<ReleaseType, number> = { emergency: 0, major: 0, normal: 0 };
  let closed = 0;
  let deployments = 0;
  let deployedFailures = 0;
  let decisions = 0;
  let decisionMinutes = 0;
  let late = 0;
  let cmdbDue = 0;
  let cmdbOnTime = 0;
  for (const g of groups) {
    closed += g.releases;
    outcomes[g.outcome] += g.releases;
    if (countsInSuccessRate(g.outcome) && g.type) byType[g.type] += g.releases;
    if (g.deployed) {
      deployments += g.releases;
      if (g.outcome === 'failed' || g.outcome === 'rolled_back') deployedFailures += g.releases;
    }
    decisions += g.rollbackDecisions;
    decisionMinutes += g.rollbackDecisionMinutes;
    late += g.lateDecisions;
    cmdbDue += g.cmdbDue;
    cmdbOnTime += g.cmdbOnTime;
  }
  const counted = COUNTED_OUTCOMES.reduce((n, o) => n + outcomes[o], 0);
  const success = ratio(outcomes.successful, counted);
  const { start, end } = quarterBounds(quarter);
  return {
    quarter,
    start,
    end,
    closed,
    outcomes,
    successRate: { ...success, target: targetPercent, meetsTarget: meetsTarget(success, targetPercent) },
    cmdbOnTimeRate: ratio(cmdbOnTime, cmdbDue),
    rollbackDecisions: {
      decisions,
      meanMinutes: decisions === 0 ? null : round(decisionMinutes / decisions, 1),
      late,
      lateRate: ratio(late, decisions),
    },
    emergencyShare: ratio(byType.emergency, counted),
    byType,
    planApprovalMinutesMedian: roundOrNull(medians.planApprovalMinutes),
    dora: {
      deployments,
      deploymentsPerWeek: round((deployments * 7) / daysInQuarter(quarter), 2),
      leadTimeMinutesMedian: roundOrNull(medians.changeLeadMinutes),
      changeFailureRate: ratio(deployedFailures, deployments),
      timeToRestoreMinutesMedian: roundOrNull(medians.restoreMinutes),
    },
  };
}

const roundOrNull = (x: number | null) => (x === null ? null : round(x, 1));

/** The rules of the measures in words, as the dashboard and the report state them. */
export type MeasureRuleKey =
  | 'successRate'
  | 'quarter'
  | 'cmdbOnTime'
  | 'rollbackDecision'
  | 'emergencyShare'
  | 'planApproval'
  | 'deploymentFrequency'
  | 'leadTime'
  | 'changeFailureRate'
  | 'timeToRestore';

export function measureRules(
  rules: Pick<PolicyRules, 'successRateTarget' | 'deadlines'>,
): Record<MeasureRuleKey, { zh: string; en: string }> {
  const target = rules.successRateTarget;
  const { cmdbUpdateHours: hours, rollbackDecisionMinutes: minutes } = rules.deadlines;
  return {
    successRate: {
      zh: `发布成功率 = 成功关闭的发布数 ÷（成功 + 失败 + 已回退的发布数）× 100%，目标 ≥ ${target}%（制度规定值）。已回退和失败的发布计为不成功；实施前取消的发布和被拒绝的发布请求不计入。`,
      en: `Release success rate = releases closed successful ÷ (successful + failed + rolled back) × 100 %, target ≥ ${target} % (policy value). Rolled back and failed releases count as unsuccessful; releases cancelled before implementation and rejected requests are not counted.`,
    },
    quarter: {
      zh: '发布按关闭时间计入季度，季度按北京时间（Asia/Shanghai，UTC+8）划分。',
      en: 'A release counts in the quarter it was closed in, on the Asia/Shanghai calendar (UTC+8).',
    },
    cmdbOnTime: {
      zh: `CMDB 更新及时率 = 在截止时间（实施结束后 ${hours} 小时，制度规定值）前完成的 CMDB 更新任务 ÷ 应完成的任务。`,
      en: `CMDB on-time rate = CMDB update tasks done by their deadline (policy value: ${hours} h after implementation ended) ÷ tasks due.`,
    },
    rollbackDecision: {
      zh: `回退决策时间 = 从发现回退触发条件到作出决策的平均分钟数；超过制度规定时限（${minutes} 分钟）的决策计为超时。`,
      en: `Rollback decision time = mean minutes from a trigger’s discovery to its decision; a decision after the policy deadline (${minutes} min) is late.`,
    },
    emergencyShare: {
      zh: '紧急发布占比 = 紧急发布数 ÷ 计入成功率的发布数。',
      en: 'Emergency share = emergency releases ÷ releases counted in the success rate.',
    },
    planApproval: {
      zh: '计划审批周期 = 发布计划首次提交审批到批准的时长（中位数）。',
      en: 'Plan approval lead time = from the plan’s first submission to its approval (median).',
    },
    deploymentFrequency: {
      zh: '部署频率 = 季度内关闭且进入过实施的发布数 ÷ 季度周数。',
      en: 'Deployment frequency = releases closed in the quarter that reached implementation ÷ weeks in the quarter.',
    },
    leadTime: {
      zh: '变更前置时间 = 发布所含最早变更的批准时间（外部变更为登记时间）到实施结束的时长（中位数）。',
      en: 'Lead time for changes = from the approval of the release’s earliest change (its registration, for an external change) to the end of implementation (median).',
    },
    changeFailureRate: {
      zh: '变更失败率 = 进入实施后失败或已回退的发布 ÷ 进入实施的发布。',
      en: 'Change failure rate = releases that failed or were rolled back after reaching implementation ÷ releases that reached implementation.',
    },
    timeToRestore: {
      zh: '恢复时间 = 已回退发布从开始实施到回退完成、状态恢复的时长（中位数）。',
      en: 'Time to restore = for rolled-back releases, from the start of implementation to the completed rollback (median).',
    },
  };
}
