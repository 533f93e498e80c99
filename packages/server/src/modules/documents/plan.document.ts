import {
  PLAN_SECTIONS,
  PLAN_SECTION_LABELS,
  plannedMinutes,
  type PlanContent,
  type PlanSection,
  type PlanStatus,
  type PlanStep,
  type ReleaseState,
  type ReleaseType,
} from '@releasegate/domain';
import { DocBuilder, formatTime, type DocLang, type DocModel } from './document.model';
import { labelsFor, pick } from './document.labels';
import { evidenceSections } from './evidence.sections';
import type { ReleaseReportData } from './report.data';

/** What 《发布计划》 is made of: the release, its policy, one plan version and the names of its CIs. */
export interface PlanDocumentInput {
  release: { number: string; title: string; type: ReleaseType | null; state: ReleaseState };
  policy: { number: string; title: string; version: string };
  plan: {
    version: number;
    status: PlanStatus;
    content: PlanContent;
    drafterName: string;
    createdAt: string;
    submittedAt: string | null;
    decidedBy: string | null;
    decidedAt: string | null;
    decisionComment: string | null;
  };
  /** CIs by id; an id not here (deleted since) is shown as it is. */
  cis: Map<string, { name: string; type: string; environment: string; critical: boolean }>;
  /** The baseline's name when the plan names one. */
  baselineName: string | null;
  /**
   * IN-1, PR-5, TY-3: the changes with their CAB votes, the items with their digests, the
   * classification, and who signs the plan's approval. Absent: those sections say 无.
   */
  evidence?: Pick<ReleaseReportData, 'changes' | 'items' | 'classification' | 'signOff'>;
}

const WORDS = {
  zh: {
    title: '发布计划',
    documentNumber: '文档编号',
    releaseNumber: '发布编号',
    releaseTitle: '发布名称',
    type: '发布类型',
    state: '发布状态',
    policy: '执行制度',
    planVersion: '计划版本',
    planStatus: '计划状态',
    version: (n: number) => `第 ${n} 版`,
    drafter: '编制人',
    drafted: '编制时间',
    submitted: '提交审批时间',
    approver: '审批人',
    approved: '审批时间',
    approvalComment: '审批意见',
    ci: '配置项',
    ciType: '类型',
    environment: '环境',
    critical: '核心',
    services: '影响的服务',
    users: '受影响用户',
    downtime: '预计停机时间',
    notes: '补充说明',
    name: '姓名',
    role: '角色',
    responsibility: '职责',
    category: '类别',
    risk: '风险描述',
    likelihood: '可能性',
    impact: '影响程度',
    response: '应对措施',
    baseline: '配置基线',
    current: '当前版本',
    target: '目标版本',
    start: '开始时间',
    end: '结束时间',
    duration: '窗口时长',
    planned: '步骤预计总用时',
    no: '序号',
    step: '步骤',
    owner: '负责人',
    minutes: '预计用时（分钟）',
    verification: '验证方法',
    rollbackSteps: '回退步骤',
    triggers: '回退触发条件',
    indicator: '指标',
    threshold: '阈值',
  },
  en: {
    title: 'Release Plan',
    documentNumber: 'Document no.',
    releaseNumber: 'Release no.',
    releaseTitle: 'Release',
    type: 'Type',
    state: 'State',
    policy: 'Policy',
    planVersion: 'Plan version',
    planStatus: 'Plan status',
    version: (n: number) => `Version ${n}`,
    drafter: 'Drafted by',
    drafted: 'Drafted at',
    submitted: 'Submitted at',
    approver: 'Approved by',
    approved: 'Approved at',
    approvalComment: 'Approval comment',
    ci: 'Configuration item',
    ciType: 'Type',
    environment: 'Environment',
    critical: 'Core',
    services: 'Services affected',
    users: 'Users affected',
    downtime: 'Expected downtime',
    notes: 'Notes',
    name: 'Name',
    role: 'Role',
    responsibility: 'Responsibility',
    category: 'Category',
    risk: 'Risk',
    likelihood: 'Likelihood',
    impact: 'Impact',
    response: 'Response',
    baseline: 'Configuration baseline',
    current: 'Current version',
    target: 'Target version',
    start: 'Start',
    end: 'End',
    duration: 'Window length',
    planned: 'Planned step time',
    no: 'No.',
    step: 'Step',
    owner: 'Owner',
    minutes: 'Minutes',
    verification: 'Verification',
    rollbackSteps: 'Rollback steps',
    triggers: 'Rollback triggers',
    indicator: 'Indicator',
    threshold: 'Threshold',
  },
} satisfies Record<DocLang, unknown>;

/** The document number of a plan version: the release number, PL for 发布计划, the version. */
export const planDocumentNumber = (releaseNumber: string, version: number) =>
  `${releaseNumber}-PL-V${version}`;

/** PL-4: 《发布计划》 — the header table, then every section of PL-1 in the policy's order. */
export function planDocument(input: PlanDocumentInput, lang: DocLang = 'zh'): DocModel {
  const L = labelsFor(lang);
  const w = WORDS[lang];
  const { release, policy, plan } = input;
  const c = plan.content;
  const b = new DocBuilder(L);
  const decided = plan.status === 'approved' || plan.status === 'superseded';

  b.fields([
    [w.documentNumber, planDocumentNumber(release.number, plan.version)],
    [w.releaseNumber, release.number],
    [w.releaseTitle, release.title],
    [w.type, release.type ? L.types[release.type] : L.unclassified],
    [w.state, L.states[release.state]],
    [w.policy, `${policy.number} ${policy.title} ${policy.version}`],
    [w.planVersion, w.version(plan.version)],
    [w.planStatus, L.planStatuses[plan.status]],
    [w.drafter, plan.drafterName],
    [w.drafted, formatTime(plan.createdAt)],
    [w.submitted, formatTime(plan.submittedAt)],
    ...(decided
      ? ([
          [w.approver, plan.decidedBy],
          [w.approved, formatTime(plan.decidedAt)],
          [w.approvalComment, plan.decisionComment],
        ] as [string, string | null][])
      : []),
  ]);
  b.note(L.timeNote);

  const ci = (id: string) => input.cis.get(id)?.name ?? id;
  const stepsTable = (steps: PlanStep[]) =>
    b.table(
      [
        { title: w.no, width: 0.7 },
        { title: w.step, width: 3 },
        { title: w.owner, width: 1.2 },
        { title: w.minutes, width: 1.7 },
        { title: w.verification, width: 2.8 },
      ],
      steps.map((s, i) => [String(i + 1), s.title, s.owner, String(s.expectedMinutes), s.verification]),
    );

  const sections: Record<PlanSection, () => void> = {
    purpose: () => b.paragraph(c.purpose),
    scope: () => {
      b.table(
        [
          { title: w.ci, width: 3 },
          { title: w.ciType, width: 1.5 },
          { title: w.environment, width: 1.5 },
          { title: w.critical, width: 1 },
        ],
        (c.scope?.ciIds ?? []).map((id) => {
          const found = input.cis.get(id);
          return [
            ci(id),
            found?.type ?? '',
            found?.environment ?? '',
            found ? (found.critical ? L.yes : L.no) : '',
          ];
        }),
      );
      const downtime = c.scope?.downtimeMinutes;
      b.fields([
        [w.services, (c.scope?.services ?? []).join('、')],
        [w.users, c.scope?.users],
        [w.downtime, downtime === undefined || downtime === null ? null : L.minutes(downtime)],
        [w.notes, c.scope?.notes],
      ]);
    },
    participants: () =>
      b.table(
        [
          { title: w.name, width: 1.5 },
          { title: w.role, width: 2 },
          { title: w.responsibility, width: 5 },
        ],
        (c.participants ?? []).map((p) => [p.name, p.role, p.responsibility]),
      ),
    risks: () =>
      b.table(
        [
          { title: w.category, width: 1.2 },
          { title: w.risk, width: 3 },
          { title: w.likelihood, width: 1 },
          { title: w.impact, width: 1 },
          { title: w.response, width: 3 },
        ],
        (c.risks ?? []).map((r) => [
          L.riskCategories[r.category],
          r.description,
          L.levels[r.likelihood],
          L.levels[r.impact],
          r.response,
        ]),
      ),
    baseline: () => {
      b.fields([[w.baseline, input.baselineName ?? c.baseline?.baselineId]]);
      b.table(
        [
          { title: w.ci, width: 3 },
          { title: w.current, width: 2 },
          { title: w.target, width: 2 },
        ],
        (c.baseline?.targets ?? []).map((t) => [ci(t.ciId), t.currentVersion ?? '', t.targetVersion]),
      );
    },
    post_deployment: () => b.paragraph(c.postDeployment),
    window: () => {
      const { start, end } = c.window ?? { start: '', end: '' };
      const minutes = Math.round((Date.parse(end) - Date.parse(start)) / 60_000);
      b.fields([
        [w.start, formatTime(start)],
        [w.end, formatTime(end)],
        [w.duration, Number.isFinite(minutes) && minutes > 0 ? L.minutes(minutes) : null],
        [w.planned, c.steps?.length ? L.minutes(plannedMinutes(c)) : null],
      ]);
    },
    resources: () => b.paragraph(c.resources),
    steps: () => stepsTable(c.steps ?? []),
    rollback: () => {
      b.heading(w.rollbackSteps, 2);
      stepsTable(c.rollback?.steps ?? []);
      b.heading(w.triggers, 2);
      b.table(
        [
          { title: w.indicator, width: 1 },
          { title: w.threshold, width: 1 },
        ],
        (c.rollback?.triggers ?? []).map((t) => [t.indicator, t.threshold]),
      );
    },
  };
  let n = 0;
  const section = (title: string) => b.heading(L.numbered(++n, title));
  for (const key of PLAN_SECTIONS) {
    section(pick(lang, PLAN_SECTION_LABELS[key]));
    sections[key]();
  }
  const evidence = evidenceSections(b, lang, section);
  const e = input.evidence;
  evidence.classification(e?.classification, release.type);
  evidence.changes(e?.changes ?? []);
  evidence.items(e?.items ?? []);
  evidence.signOff((e?.signOff ?? []).filter((s) => s.duty === 'plan_approval'));

  return {
    lang,
    title: w.title,
    subtitle: `${release.number} ${release.title}`,
    header: `${policy.number} ${policy.title} · ${release.number} · ${w.version(plan.version)}`,
    empty: L.empty,
    pageLabel: L.pageLabel,
    blocks: b.blocks,
  };
}
