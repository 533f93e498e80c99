import type {
  MeasureRuleKey,
  QuarterMeasures,
  Ratio,
  ReleaseOutcome,
  ReleaseType,
} from '@releasegate/domain';
import { labelsFor } from '../documents';
import type { StoredRecord } from './measures.repository';

export type ReportFormat = 'xlsx' | 'csv';
export type ReportLanguage = 'zh' | 'en';

export interface QuarterReportInput {
  measures: QuarterMeasures;
  records: (StoredRecord & { countsInSuccessRate: boolean })[];
  policy: { number: string; version: string };
  rules: Record<MeasureRuleKey, { zh: string; en: string }>;
  generatedAt: string;
}

const TEXT = {
  zh: {
    title: (q: string) => `发布度量季度报告 ${q}`,
    summarySheet: '汇总',
    releasesSheet: '发布明细',
    policy: '依据制度',
    timeZone: '季度时区',
    period: '统计区间（UTC）',
    generatedAt: '生成时间（UTC）',
    measure: '指标',
    value: '值',
    counts: '计数',
    rule: '口径',
    met: '达标',
    missed: '未达标',
    none: '无数据',
    measures: {
      successRate: '发布成功率（%）',
      target: '目标（%）',
      verdict: '是否达标',
      closed: '本季度关闭的发布',
      cmdbOnTime: 'CMDB 更新及时率（%）',
      rollbackDecision: '平均回退决策时间（分钟）',
      lateDecisions: '超时决策数',
      emergencyShare: '紧急发布占比（%）',
      planApproval: '计划审批周期中位数（分钟）',
      deploymentFrequency: '部署频率（次/周）',
      leadTime: '变更前置时间中位数（分钟）',
      changeFailureRate: '变更失败率（%）',
      timeToRestore: '恢复时间中位数（分钟）',
    },
    columns: [
      '发布编号',
      '标题',
      '类型',
      '结果',
      '计入成功率',
      '申请时间',
      '计划首次提交',
      '计划批准',
      '开始实施',
      '实施结束',
      '回退完成',
      '关闭时间',
      '回退决策数',
      '超时决策数',
      'CMDB 更新截止',
      'CMDB 更新完成',
      'CMDB 按时',
      '计划审批（分钟）',
      '变更前置时间（分钟）',
      '恢复时间（分钟）',
    ],
  },
  en: {
    title: (q: string) => `Release measures, quarterly report ${q}`,
    summarySheet: 'Summary',
    releasesSheet: 'Releases',
    policy: 'Policy',
    timeZone: 'Quarter time zone',
    period: 'Period (UTC)',
    generatedAt: 'Generated at (UTC)',
    measure: 'Measure',
    value: 'Value',
    counts: 'Counts',
    rule: 'Rule',
    met: 'met',
    missed: 'missed',
    none: 'no data',
    measures: {
      successRate: 'Release success rate (%)',
      target: 'Target (%)',
      verdict: 'Target met',
      closed: 'Releases closed in the quarter',
      cmdbOnTime: 'CMDB on-time rate (%)',
      rollbackDecision: 'Mean rollback decision time (min)',
      lateDecisions: 'Late decisions',
      emergencyShare: 'Emergency share (%)',
      planApproval: 'Plan approval lead time, median (min)',
      deploymentFrequency: 'Deployment frequency (per week)',
      leadTime: 'Lead time for changes, median (min)',
      changeFailureRate: 'Change failure rate (%)',
      timeToRestore: 'Time to restore, median (min)',
    },
    columns: [
      'Number',
      'Title',
      'Type',
      'Outcome',
      'Counts in success rate',
      'Requested',
      'Plan first submitted',
      'Plan approved',
      'Implementation started',
      'Implementation ended',
      'Rollback completed',
      'Closed',
      'Rollback decisions',
      'Late decisions',
      'CMDB update due',
      'CMDB update done',
      'CMDB on time',
      'Plan approval (min)',
      'Lead time (min)',
      'Time to restore (min)',
    ],
  },
};

type Cell = string | number | null;

/** The summary as rows: measure, value, counts, rule. */
function summaryRows(input: QuarterReportInput, lang: ReportLanguage): Cell[][] {
  const t = TEXT[lang];
  const words = labelsFor(lang);
  const m = input.measures;
  const rule = (k: MeasureRuleKey) => input.rules[k][lang];
  const counts = (r: Ratio) => `${r.numerator} / ${r.denominator}`;
  const verdict = m.successRate.meetsTarget === null ? t.none : m.successRate.meetsTarget ? t.met : t.missed;
  const outcomes = (Object.entries(m.outcomes) as [ReleaseOutcome, number][])
    .map(([o, n]) => `${words.outcomes[o]} ${n}`)
    .join(', ');
  const types = (Object.entries(m.byType) as [ReleaseType, number][])
    .map(([k, n]) => `${words.types[k]} ${n}`)
    .join(', ');
  return [
    [t.title(m.quarter)],
    [t.policy, `${input.policy.number} ${input.policy.version}`],
    [t.timeZone, input.rules.quarter[lang]],
    [t.period, `${m.start} – ${m.end}`],
    [t.generatedAt, input.generatedAt],
    [],
    [t.measure, t.value, t.counts, t.rule],
    [t.measures.successRate, m.successRate.percent, counts(m.successRate), rule('successRate')],
    [t.measures.target, m.successRate.target, null, null],
    [t.measures.verdict, verdict, null, null],
    [t.measures.closed, m.closed, outcomes, null],
    [t.measures.cmdbOnTime, m.cmdbOnTimeRate.percent, counts(m.cmdbOnTimeRate), rule('cmdbOnTime')],
    [
      t.measures.rollbackDecision,
      m.rollbackDecisions.meanMinutes,
      String(m.rollbackDecisions.decisions),
      rule('rollbackDecision'),
    ],
    [t.measures.lateDecisions, m.rollbackDecisions.late, counts(m.rollbackDecisions.lateRate), null],
    [
      t.measures.emergencyShare,
      m.emergencyShare.percent,
      `${counts(m.emergencyShare)}; ${types}`,
      rule('emergencyShare'),
    ],
    [t.measures.planApproval, m.planApprovalMinutesMedian, null, rule('planApproval')],
    [
      t.measures.deploymentFrequency,
      m.dora.deploymentsPerWeek,
      String(m.dora.deployments),
      rule('deploymentFrequency'),
    ],
    [t.measures.leadTime, m.dora.leadTimeMinutesMedian, null, rule('leadTime')],
    [
      t.measures.changeFailureRate,
      m.dora.changeFailureRate.percent,
      counts(m.dora.changeFailureRate),
      rule('changeFailureRate'),
    ],
    [t.measures.timeToRestore, m.dora.timeToRestoreMinutesMedian, null, rule('timeToRestore')],
  ];
}

const minutes = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);

function recordRows(input: QuarterReportInput, lang: ReportLanguage): Cell[][] {
  const words = labelsFor(lang);
  const yesNo = (b: boolean | null) => (b === null ? null : b ? words.yes : words.no);
  return input.records.map((r) => [
    r.number,
    r.title,
    r.type ? words.types[r.type] : null,
    words.outcomes[r.outcome],
    yesNo(r.countsInSuccessRate),
    r.requestedAt,
    r.planSubmittedAt,
    r.planApprovedAt,
    r.implementationStartedAt,
    r.implementationEndedAt,
    r.restoredAt,
    r.closedAt,
    r.rollbackDecisions,
    r.lateDecisions,
    r.cmdbDueAt,
    r.cmdbDoneAt,
    yesNo(r.cmdbOnTime),
    minutes(r.planApprovalMinutes),
    minutes(r.changeLeadMinutes),
    minutes(r.restoreMinutes),
  ]);
}

/**
 * KP-3: the quarter as a report. XLSX: a summary sheet (measures, counts, the rules in words)
 * and a sheet of the quarter's closed releases. CSV (UTF-8 with BOM, for Excel): the same two
 * parts one after the other, separated by an empty line.
 */
export async function quarterReport(
  format: ReportFormat,
  lang: ReportLanguage,
  input: QuarterReportInput,
): Promise<Buffer> {
  const t = TEXT[lang];
  const summary = summaryRows(input, lang);
  const records = recordRows(input, lang);
  if (format === 'csv') {
    // The file libraries are loaded on first use, not at the server's start (docs/performance.md).
    const { stringify } = await import('csv-stringify/sync');
    const text = stringify([...summary, [], t.columns, ...records], { bom: true });
    return Buffer.from(text, 'utf8');
  }
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ReleaseGate';
  workbook.created = new Date(input.generatedAt);
  const s = workbook.addWorksheet(t.summarySheet);
  s.columns = [{ width: 36 }, { width: 18 }, { width: 40 }, { width: 90 }];
  for (const row of summary) s.addRow(row);
  s.getRow(1).font = { bold: true, size: 14 };
  s.getRow(7).font = { bold: true };
  s.getColumn(4).alignment = { wrapText: true, vertical: 'top' };
  const r = workbook.addWorksheet(t.releasesSheet);
  r.addRow(t.columns).font = { bold: true };
  for (const row of records) r.addRow(row);
  r.columns.forEach((c, i) => (c.width = i === 1 ? 40 : i < 5 ? 14 : 22));
  r.views = [{ state: 'frozen', ySplit: 1 }];
  r.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: t.columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
