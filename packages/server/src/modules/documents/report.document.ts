import { TRIGGER_KIND_LABELS } from '@releasegate/domain';
import { DocBuilder, formatTime, type DocLang, type DocModel } from './document.model';
import { labelsFor, pick } from './document.labels';
import type { CheckEntry, PlannedStepActual, ReleaseReportData } from './report.data';
import { evidenceSections } from './evidence.sections';

const WORDS = {
  zh: {
    title: '发布变更报告',
    sections: {
      summary: '发布概况',
      timeline: '发布过程时间线',
      planVsActual: '计划与实际对比',
      verification: '验证结果',
      incidents: '异常事件',
      rollback: '回退情况',
      analysis: '成败分析',
      lessons: '经验教训',
      cmdb: 'CMDB 更新',
    },
    reportNumber: '报告编号',
    releaseNumber: '发布编号',
    releaseTitle: '发布名称',
    type: '发布类型',
    state: '发布状态',
    outcome: '发布结果',
    policy: '执行制度',
    planVersion: '执行的计划版本',
    version: (n: number) => `第 ${n} 版`,
    requestedBy: '申请人',
    requestedAt: '申请时间',
    started: '实施开始',
    ended: '实施结束',
    closedBy: '关闭人',
    closedAt: '关闭时间',
    at: '时间',
    actor: '操作人',
    event: '事件',
    no: '序号',
    step: '步骤',
    plannedMinutes: '计划用时（分钟）',
    actualStart: '实际开始',
    actualEnd: '实际结束',
    actualMinutes: '实际用时（分钟）',
    result: '结果',
    executor: '执行人',
    totals: (planned: number, actual: string | null) =>
      `计划用时合计 ${planned} 分钟；实际用时合计 ${actual === null ? '—' : `${actual} 分钟`}。`,
    preChecks: '发布前检查',
    postChecks: '发布后验证',
    acceptance: '用户验收',
    item: '检查项',
    evidence: '证据',
    signedBy: '签署人',
    department: '所属部门',
    signedAt: '签署时间',
    conclusion: '验收结论',
    comment: '意见',
    accepted: '验收通过',
    notAccepted: '验收不通过',
    kind: '触发类型',
    source: '来源与描述',
    discovered: '发现时间',
    decision: '决定',
    decidedBy: '决定人',
    decidedAt: '决定时间',
    late: '是否超时',
    decisions: { rollback: '回退', continue: '继续实施' },
    sources: { person: '人工发现', metric: '监控指标', feedback: '用户反馈' } as Record<string, string>,
    undecided: '未决定',
    rollbackSteps: '回退步骤',
    restoration: '状态恢复验证',
    restored: '验证结论',
    restoredYes: '已恢复到发布前状态',
    restoredNo: '未恢复到发布前状态',
    restorationDetails: '验证说明',
    verifiedBy: '验证人',
    verifiedAt: '验证时间',
    articles: '关联知识库文章',
    cmdbDue: '截止时间',
    cmdbDone: '完成时间',
    cmdbDoneBy: '完成人',
    onTime: '是否按时',
    notDone: '未完成',
    steps: { running: '进行中', succeeded: '成功', failed: '失败' },
    notRun: '未执行',
    checks: { passed: '通过', failed: '未通过' },
    notChecked: '未检查',
  },
  en: {
    title: 'Release Change Report',
    sections: {
      summary: 'Summary',
      timeline: 'Timeline',
      planVsActual: 'Plan against actual',
      verification: 'Verification results',
      incidents: 'Incidents',
      rollback: 'Rollback',
      analysis: 'Analysis of success or failure',
      lessons: 'Lessons learned',
      cmdb: 'CMDB update',
    },
    reportNumber: 'Report no.',
    releaseNumber: 'Release no.',
    releaseTitle: 'Release',
    type: 'Type',
    state: 'State',
    outcome: 'Outcome',
    policy: 'Policy',
    planVersion: 'Plan version executed',
    version: (n: number) => `Version ${n}`,
    requestedBy: 'Requested by',
    requestedAt: 'Requested at',
    started: 'Implementation started',
    ended: 'Implementation ended',
    closedBy: 'Closed by',
    closedAt: 'Closed at',
    at: 'Time',
    actor: 'Actor',
    event: 'Event',
    no: 'No.',
    step: 'Step',
    plannedMinutes: 'Planned min',
    actualStart: 'Started',
    actualEnd: 'Ended',
    actualMinutes: 'Actual min',
    result: 'Result',
    executor: 'Executor',
    totals: (planned: number, actual: string | null) =>
      `Planned ${planned} min in total; actual ${actual === null ? '—' : `${actual} min`}.`,
    preChecks: 'Pre-release checks',
    postChecks: 'Post-release verification',
    acceptance: 'User acceptance',
    item: 'Item',
    evidence: 'Evidence',
    signedBy: 'Signed by',
    department: 'Department',
    signedAt: 'Signed at',
    conclusion: 'Conclusion',
    comment: 'Comment',
    accepted: 'Accepted',
    notAccepted: 'Not accepted',
    kind: 'Kind',
    source: 'Source and description',
    discovered: 'Discovered',
    decision: 'Decision',
    decidedBy: 'Decided by',
    decidedAt: 'Decided at',
    late: 'Late',
    decisions: { rollback: 'Roll back', continue: 'Continue' },
    sources: {
      person: 'Found by a person',
      metric: 'Monitoring indicator',
      feedback: 'User feedback',
    } as Record<string, string>,
    undecided: 'Undecided',
    rollbackSteps: 'Rollback steps',
    restoration: 'State restoration',
    restored: 'Result',
    restoredYes: 'Restored to the pre-release state',
    restoredNo: 'Not restored to the pre-release state',
    restorationDetails: 'Details',
    verifiedBy: 'Verified by',
    verifiedAt: 'Verified at',
    articles: 'Knowledge articles',
    cmdbDue: 'Due',
    cmdbDone: 'Done',
    cmdbDoneBy: 'Done by',
    onTime: 'On time',
    notDone: 'Not done',
    steps: { running: 'Running', succeeded: 'Succeeded', failed: 'Failed' },
    notRun: 'Not run',
    checks: { passed: 'Passed', failed: 'Failed' },
    notChecked: 'Not checked',
  },
} satisfies Record<DocLang, unknown>;

export const reportDocumentNumber = (releaseNumber: string) => `${releaseNumber}-RPT`;

const minutesBetween = (start?: string | null, end?: string | null) => {
  const m = (Date.parse(end ?? '') - Date.parse(start ?? '')) / 60_000;
  return Number.isFinite(m) && m >= 0 ? m : null;
};

/** Whole minutes, and tenths below ten minutes: a step of 40 seconds took 0.7, not 0. */
const minutesText = (m: number) => String(m < 10 ? Math.round(m * 10) / 10 : Math.round(m));

/** CL-2: 《发布变更报告》; every section is there, saying 无 when it has nothing to say. */
export function reportDocument(data: ReleaseReportData, lang: DocLang = 'zh'): DocModel {
  const L = labelsFor(lang);
  const w = WORDS[lang];
  const s = data.summary;
  const b = new DocBuilder(L);
  let n = 0;
  const section = (title: string) => b.heading(L.numbered(++n, title));
  const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? null : v ? L.yes : L.no);

  section(w.sections.summary);
  b.fields([
    [w.reportNumber, reportDocumentNumber(s.number)],
    [w.releaseNumber, s.number],
    [w.releaseTitle, s.title],
    [w.type, s.type ? L.types[s.type] : L.unclassified],
    [w.outcome, s.outcome ? L.outcomes[s.outcome] : null],
    [w.state, s.state ? L.states[s.state] : null],
    [w.policy, s.policy ? `${s.policy.number} ${s.policy.title} ${s.policy.version}` : null],
    [w.planVersion, s.planVersion ? w.version(s.planVersion) : null],
    [w.requestedBy, s.requestedBy],
    [w.requestedAt, formatTime(s.requestedAt)],
    [w.started, formatTime(s.implementationStartedAt)],
    [w.ended, formatTime(s.implementationEndedAt)],
    [w.closedBy, s.closedBy],
    [w.closedAt, formatTime(s.closedAt)],
  ]);
  b.note(L.timeNote);

  const evidence = evidenceSections(b, lang, section);
  evidence.classification(data.classification, s.type);
  evidence.changes(data.changes ?? []);
  evidence.items(data.items ?? []);
  evidence.configuration(data.configuration ?? []);

  section(w.sections.timeline);
  b.table(
    [
      { title: w.at, width: 1.6 },
      { title: w.actor, width: 1.2 },
      { title: w.event, width: 5 },
    ],
    (data.timeline ?? []).map((e) => [formatTime(e.at), e.actor, e.event]),
  );

  const stepsTable = (steps: PlannedStepActual[]) => {
    b.table(
      [
        { title: w.no, width: 0.7 },
        { title: w.step, width: 2.3 },
        { title: w.plannedMinutes, width: 1 },
        { title: w.actualStart, width: 1.5 },
        { title: w.actualEnd, width: 1.5 },
        { title: w.actualMinutes, width: 1 },
        { title: w.result, width: 0.9 },
        { title: w.executor, width: 1.1 },
      ],
      steps.map((st) => {
        const actual = minutesBetween(st.actualStart, st.actualEnd);
        return [
          String(st.seq),
          st.output ? `${st.title}\n${st.output}` : st.title,
          String(st.plannedMinutes),
          formatTime(st.actualStart),
          formatTime(st.actualEnd),
          actual === null ? '' : minutesText(actual),
          st.result ? w.steps[st.result] : w.notRun,
          st.executor ?? '',
        ];
      }),
    );
    if (steps.length > 0) {
      const planned = steps.reduce((sum, st) => sum + st.plannedMinutes, 0);
      const actuals = steps.map((st) => minutesBetween(st.actualStart, st.actualEnd));
      const actual = actuals.includes(null) ? null : actuals.reduce<number>((x, y) => x + (y ?? 0), 0);
      b.paragraph(w.totals(planned, actual === null ? null : minutesText(actual)));
    }
  };

  section(w.sections.planVsActual);
  stepsTable(data.planVsActual ?? []);

  const checksTable = (checks: CheckEntry[]) =>
    b.table(
      [
        { title: w.item, width: 1.5 },
        { title: w.result, width: 1 },
        { title: w.actor, width: 1.1 },
        { title: w.at, width: 1.6 },
        { title: w.evidence, width: 3 },
      ],
      checks.map((c) => [
        c.label,
        c.result ? w.checks[c.result] : w.notChecked,
        c.actor ?? '',
        formatTime(c.at),
        c.evidence ?? '',
      ]),
    );
  section(w.sections.verification);
  b.heading(w.preChecks, 2);
  checksTable(data.preReleaseChecks ?? []);
  b.heading(w.postChecks, 2);
  checksTable(data.postReleaseVerifications ?? []);
  b.heading(w.acceptance, 2);
  const ua = data.userAcceptance;
  if (!ua) b.paragraph(null);
  else
    b.fields([
      [w.signedBy, ua.signedBy],
      [w.department, ua.department],
      [w.signedAt, formatTime(ua.at)],
      [w.conclusion, ua.accepted ? w.accepted : w.notAccepted],
      [w.comment, ua.comment],
    ]);

  section(w.sections.incidents);
  b.table(
    [
      { title: w.kind, width: 1.4 },
      { title: w.source, width: 2 },
      { title: w.discovered, width: 1.4 },
      { title: w.decision, width: 1.6 },
      { title: w.decidedBy, width: 1 },
      { title: w.decidedAt, width: 1.4 },
      { title: w.late, width: 1 },
    ],
    (data.incidents ?? []).map((i) => [
      pick(lang, TRIGGER_KIND_LABELS[i.kind]),
      [i.source ? (w.sources[i.source] ?? i.source) : null, i.description].filter(Boolean).join('：'),
      formatTime(i.discoveredAt),
      i.decision ? `${w.decisions[i.decision]}${i.reason ? `：${i.reason}` : ''}` : w.undecided,
      i.decidedBy ?? '',
      formatTime(i.decidedAt),
      yesNo(i.late ?? false)!,
    ]),
  );

  section(w.sections.rollback);
  const rb = data.rollback;
  if (!rb) b.paragraph(null);
  else {
    b.heading(w.rollbackSteps, 2);
    stepsTable(rb.steps ?? []);
    b.heading(w.restoration, 2);
    const r = rb.restoration;
    b.fields([
      [w.restored, r?.verified === true ? w.restoredYes : r?.verified === false ? w.restoredNo : null],
      [w.restorationDetails, r?.details],
      [w.verifiedBy, r?.verifiedBy],
      [w.verifiedAt, formatTime(r?.at)],
    ]);
  }

  section(w.sections.analysis);
  b.paragraph(data.analysis);

  section(w.sections.lessons);
  b.paragraph(data.lessons?.text);
  b.heading(w.articles, 2);
  b.bullets(
    (data.lessons?.articles ?? []).map((a) =>
      [a.number, a.title, a.link && `(${a.link})`].filter(Boolean).join(' '),
    ),
  );

  section(w.sections.cmdb);
  const cm = data.cmdbUpdate;
  const onTime = cm?.doneAt && cm.dueAt ? Date.parse(cm.doneAt) <= Date.parse(cm.dueAt) : null;
  if (!cm) b.paragraph(null);
  else
    b.fields([
      [w.cmdbDue, formatTime(cm.dueAt)],
      [w.cmdbDone, cm.doneAt ? formatTime(cm.doneAt) : w.notDone],
      [w.cmdbDoneBy, cm.doneBy],
      [w.onTime, yesNo(onTime)],
    ]);

  if (s.type === 'emergency' || data.emergencyReview) evidence.review(data.emergencyReview ?? null);
  evidence.signOff(data.signOff ?? []);

  return {
    lang,
    title: w.title,
    subtitle: `${s.number} ${s.title}`,
    header: [s.policy && `${s.policy.number} ${s.policy.title}`, s.number].filter(Boolean).join(' · '),
    empty: L.empty,
    pageLabel: L.pageLabel,
    blocks: b.blocks,
  };
}
