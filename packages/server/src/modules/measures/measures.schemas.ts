import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { RELEASE_OUTCOMES, RELEASE_TYPES } from '@releasegate/domain';
import { RECORD_SORTS, type RecordSort } from './measures.repository';

export const quarterText = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, FIELDS.quarter)
  .describe('A quarter on the Asia/Shanghai calendar, e.g. 2026-Q4');

export const quarterParams = z.object({ quarter: quarterText });

export const quartersQuery = z.object({ from: quarterText, to: quarterText });

export const releasesQuery = z.object({
  outcome: z.enum(RELEASE_OUTCOMES).optional(),
  type: z.enum(RELEASE_TYPES).optional(),
  sort: z.enum(Object.keys(RECORD_SORTS) as [RecordSort, ...RecordSort[]]).default('closedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const exportQuery = z.object({
  format: z.enum(['xlsx', 'csv']).default('xlsx'),
  lang: z.enum(['zh', 'en']).default('zh'),
});

const ratio = z.object({
  numerator: z.number(),
  denominator: z.number(),
  percent: z.number().nullable().describe('numerator / denominator × 100, two decimals; null when 0 / 0'),
});
const outcomeCounts = z.object(
  Object.fromEntries(RELEASE_OUTCOMES.map((o) => [o, z.number()])) as Record<
    (typeof RELEASE_OUTCOMES)[number],
    z.ZodNumber
  >,
);
const bilingual = z.object({ zh: z.string(), en: z.string() });

export const quarterMeasuresView = z.object({
  quarter: z.string(),
  start: z.string(),
  end: z.string(),
  closed: z.number(),
  outcomes: outcomeCounts,
  successRate: ratio.extend({ target: z.number(), meetsTarget: z.boolean().nullable() }),
  cmdbOnTimeRate: ratio,
  rollbackDecisions: z.object({
    decisions: z.number(),
    meanMinutes: z.number().nullable(),
    late: z.number(),
    lateRate: ratio,
  }),
  emergencyShare: ratio,
  byType: z.object({ emergency: z.number(), major: z.number(), normal: z.number() }),
  planApprovalMinutesMedian: z.number().nullable(),
  dora: z.object({
    deployments: z.number(),
    deploymentsPerWeek: z.number(),
    leadTimeMinutesMedian: z.number().nullable(),
    changeFailureRate: ratio,
    timeToRestoreMinutesMedian: z.number().nullable(),
  }),
});

export const quartersView = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  policy: z.object({ number: z.string(), version: z.string() }),
  target: z.number(),
  rules: z.object({
    successRate: bilingual,
    quarter: bilingual,
    cmdbOnTime: bilingual,
    rollbackDecision: bilingual,
    emergencyShare: bilingual,
    planApproval: bilingual,
    deploymentFrequency: bilingual,
    leadTime: bilingual,
    changeFailureRate: bilingual,
    timeToRestore: bilingual,
  }),
  quarters: z.array(quarterMeasuresView),
});

const time = z.string().nullable();
export const releaseRecordView = z.object({
  releaseId: z.string(),
  number: z.string(),
  title: z.string(),
  type: z.enum(RELEASE_TYPES).nullable(),
  outcome: z.enum(RELEASE_OUTCOMES),
  countsInSuccessRate: z.boolean(),
  requestedAt: z.string(),
  planSubmittedAt: time,
  planApprovedAt: time,
  implementationStartedAt: time,
  implementationEndedAt: time,
  restoredAt: time,
  closedAt: z.string(),
  quarter: z.string(),
  deployed: z.boolean(),
  rollbackDecisions: z.number(),
  rollbackDecisionMinutesTotal: z.number(),
  lateDecisions: z.number(),
  cmdbDueAt: time,
  cmdbDoneAt: time,
  cmdbOnTime: z.boolean().nullable(),
  changeLeadMinutes: z.number().nullable(),
  planApprovalMinutes: z.number().nullable(),
  restoreMinutes: z.number().nullable(),
});

export const quarterReleasesView = z.object({
  quarter: z.string(),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  items: z.array(releaseRecordView),
});
