import { describe, expect, it } from 'vitest';
import { docxText, inspectPdf } from './document.inspect';
import { renderReport } from './documents.service';
import type { ReleaseReportData } from './report.data';

/** CL-2: 《发布变更报告》 in both formats, from a full report and from one that knows only its release. */
const SECTIONS = [
  '发布概况',
  '发布过程时间线',
  '计划与实际对比',
  '验证结果',
  '异常事件',
  '回退情况',
  '成败分析',
  '经验教训',
  'CMDB 更新',
];

const full: ReleaseReportData = {
  summary: {
    number: 'REL-2026-0007',
    title: '核心账务系统升级发布',
    type: 'major',
    state: 'closed',
    outcome: 'rolled_back',
    policy: { number: 'XDYJ-06-01', title: '发布管理制度', version: 'V1.0' },
    planVersion: 2,
    requestedBy: '李工',
    requestedAt: '2026-01-28T02:00:00Z',
    implementationStartedAt: '2026-02-01T14:00:00Z',
    implementationEndedAt: '2026-02-01T15:10:00Z',
    closedBy: '孙玥',
    closedAt: '2026-02-03T09:00:00Z',
  },
  timeline: [
    { at: '2026-01-28T02:00:00Z', actor: '李工', event: '提交发布申请' },
    { at: '2026-01-30T08:00:00Z', actor: '孙玥', event: '批准发布计划第 2 版' },
    { at: '2026-02-01T14:00:00Z', actor: '张工', event: '开始实施' },
    { at: '2026-02-01T14:40:00Z', actor: '监控系统', event: '交易失败率超过阈值，触发回退条件' },
    { at: '2026-02-01T14:52:00Z', actor: '孙玥', event: '决定回退' },
  ],
  planVsActual: [
    {
      seq: 1,
      title: '停止服务',
      plannedMinutes: 5,
      actualStart: '2026-02-01T14:00:00Z',
      actualEnd: '2026-02-01T14:00:40Z',
      result: 'succeeded',
      executor: '张工',
    },
    {
      seq: 2,
      title: '部署新版本',
      plannedMinutes: 20,
      actualStart: '2026-02-01T14:06:00Z',
      actualEnd: '2026-02-01T14:35:00Z',
      result: 'failed',
      executor: '张工',
      output: '数据库迁移脚本第 3 步超时',
    },
    { seq: 3, title: '启动服务并验证', plannedMinutes: 10 },
  ],
  preReleaseChecks: [
    {
      label: '环境检查',
      result: 'passed',
      actor: '王工',
      at: '2026-02-01T12:00:00Z',
      evidence: '环境检查单.xlsx',
    },
    {
      label: '备份验证',
      result: 'passed',
      actor: '王工',
      at: '2026-02-01T12:30:00Z',
      evidence: '全量备份完成',
    },
    {
      label: '回退测试',
      result: 'passed',
      actor: '张工',
      at: '2026-01-31T09:00:00Z',
      evidence: '测试环境演练记录',
    },
    { label: '应急预案', result: 'passed', actor: '孙玥', at: '2026-01-31T10:00:00Z' },
  ],
  postReleaseVerifications: [
    { label: '功能验证', result: 'failed', actor: '赵工', evidence: '转账交易失败' },
  ],
  userAcceptance: null,
  incidents: [
    {
      kind: 'performance',
      source: '监控指标',
      description: '交易失败率 3.2%，阈值 1%',
      discoveredAt: '2026-02-01T14:40:00Z',
      decision: 'rollback',
      decidedBy: '孙玥',
      decidedAt: '2026-02-01T14:52:00Z',
      reason: '失败率持续上升',
      late: false,
    },
    { kind: 'complaints', source: '用户反馈', discoveredAt: '2026-02-01T14:45:00Z', late: true },
  ],
  rollback: {
    steps: [
      {
        seq: 1,
        title: '回滚到 2.0',
        plannedMinutes: 15,
        actualStart: '2026-02-01T14:55:00Z',
        actualEnd: '2026-02-01T15:10:00Z',
        result: 'succeeded',
        executor: '张工',
      },
    ],
    restoration: {
      verified: true,
      details: '配置与基线一致，CMDB 与 DSL 版本已恢复',
      verifiedBy: '王工',
      at: '2026-02-01T15:30:00Z',
    },
  },
  analysis: '数据库迁移脚本未在生产数据量下演练，迁移超时导致交易失败；回退按预案在 15 分钟内完成。',
  lessons: {
    text: '迁移脚本须在生产规模数据上演练；回退决策在时限内完成。',
    articles: [{ number: 'KB-0012', title: '大表迁移的演练要求' }],
  },
  cmdbUpdate: { dueAt: '2026-02-02T15:10:00Z', doneAt: '2026-02-02T10:00:00Z', doneBy: '王工' },
  classification: {
    proposed: 'normal',
    proposedReasons: ['no core CI, easy rollback (一般)'],
    final: 'major',
    overrideReason: '涉及账务核心表结构调整，按重大发布管理',
  },
  changes: [
    {
      number: 'CHG-2026-0031',
      title: '账务核心表结构调整',
      external: 'ITSM CHG0031',
      approvedAt: '2026-01-27T06:00:00Z',
      votes: [
        { voter: '钱委员', decision: 'approve', at: '2026-01-27T05:00:00Z', comment: '同意，注意迁移时长' },
        {
          voter: '周委员',
          decision: 'reject',
          at: '2026-01-27T05:30:00Z',
          comment: '先补充回退演练',
          superseded: true,
        },
        { voter: '周委员', decision: 'approve', at: '2026-01-27T06:00:00Z', comment: '同意' },
      ],
    },
  ],
  items: [
    {
      kind: 'software',
      title: 'billing 2.1.0',
      dsl: { name: 'billing', version: '2.1.0', digest: 'a'.repeat(64) },
      cis: ['核心账务应用'],
    },
  ],
  configuration: [{ ci: '核心账务应用', before: '2.0.3', target: '2.1.0', applied: '2.1.0' }],
  signOff: [
    {
      duty: 'plan_approval',
      roles: ['operations_manager'],
      name: '孙玥',
      opinion: '批准：同意实施',
      at: '2026-01-30T08:00:00Z',
    },
    { duty: 'close', roles: ['operations_manager'], name: '孙玥', at: '2026-02-03T09:00:00Z' },
    { duty: 'acceptance', roles: ['business_representative'] },
  ],
};

/** What makes the report evidence (issue #13): both formats must carry each of these. */
const EVIDENCE = [
  '关联变更与 CAB 审批',
  'CHG-2026-0031',
  'ITSM CHG0031',
  '钱委员',
  '同意，注意迁移时长',
  // IN-1: a changed vote stays on the record, marked as replaced.
  '反对（已被取代）',
  '先补充回退演练',
  '2026-01-27 13:00',
  'a'.repeat(64),
  '2.0.3',
  '2.1.0',
  '一般发布',
  '涉及账务核心表结构调整，按重大发布管理',
  '审批签字',
  '发布计划审批',
  '运维管理部经理',
  '业务部门代表',
  '签字',
  '日期',
];

const empty: ReleaseReportData = { summary: { number: 'REL-2026-0008', title: '空报告' } };

describe('the release change report', () => {
  it('CL-2 DOCX: every section, the plan against actual, incidents and rollback of a full report', async () => {
    const doc = await renderReport(full, 'docx');
    expect(doc.filename).toBe('发布变更报告-REL-2026-0007.docx');
    expect(doc.asciiFilename).toBe('release-report-REL-2026-0007.docx');
    const { body, header } = await docxText(doc.bytes);
    expect(body).toContain('发布变更报告');
    for (const s of SECTIONS) expect(body).toContain(s);
    for (const text of [
      '已回退',
      '部署新版本',
      '数据库迁移脚本第 3 步超时',
      '未执行',
      '性能超出阈值',
      '失败率持续上升',
      '已恢复到发布前状态',
      'KB-0012',
      '大表迁移的演练要求',
    ])
      expect(body).toContain(text);
    // A step of 40 seconds took 0.7 minutes, not 0.
    expect(body).toContain('停止服务\n5\n2026-02-01 22:00\n2026-02-01 22:00\n0.7\n成功');
    expect(header).toContain('XDYJ-06-01');
  });

  it('CL-2 PDF: a full report renders, Chinese text extracts, page 1 has ink', async () => {
    const doc = await renderReport(full, 'pdf');
    const page = inspectPdf(doc.bytes, 'report-full');
    expect(page.inked).toBeGreaterThan(0.01);
    for (const s of SECTIONS) expect(page.text).toContain(s);
    expect(page.text).toContain('发布变更报告');
    expect(page.text).toContain('数据库迁移脚本未在生产数据量下演练');
  });

  it('CL-2 IN-1 TY-3 PO-3 DOCX and PDF carry the changes and CAB votes, digests, versions, override reason and sign-off', async () => {
    const { body } = await docxText((await renderReport(full, 'docx')).bytes);
    const page = inspectPdf((await renderReport(full, 'pdf')).bytes, 'report-evidence');
    // pdftotext breaks long cells (a 64-digit digest) across lines; the words stay in order.
    const pdfText = page.text.replace(/\s+/g, '');
    for (const text of EVIDENCE) {
      expect(body).toContain(text);
      expect(pdfText).toContain(text.replace(/\s+/g, ''));
    }
    // A major release has no after-the-fact review section; an emergency one says it was not reviewed.
    expect(body).not.toContain('事后评审');
    const emergency = await docxText(
      (await renderReport({ ...full, summary: { ...full.summary, type: 'emergency' } }, 'docx')).bytes,
    );
    expect(emergency.body).toContain('事后评审');
    expect(emergency.body).toContain('未评审');
    const reviewed = await docxText(
      (
        await renderReport(
          {
            ...full,
            summary: { ...full.summary, type: 'emergency' },
            emergencyReview: { by: '孙玥', at: '2026-02-02T02:00:00Z', conclusion: '处置得当，补齐文档' },
          },
          'docx',
        )
      ).bytes,
    );
    expect(reviewed.body).toContain('处置得当，补齐文档');
    expect(reviewed.body).not.toContain('未评审');
  });

  it('CL-2 IN-1 TY-4 an emergency change approved by the emergency CAB says so, with its reason and the counted vote', async () => {
    const change = full.changes![0];
    const { body } = await docxText(
      (
        await renderReport(
          {
            ...full,
            changes: [
              {
                ...change,
                emergencyReason: '支付通道中断',
                approvedVia: 'emergency_cab',
                votes: [
                  { voter: '孙经理', decision: 'approve', at: '2026-01-27T05:00:00Z', emergencyCab: true },
                ],
              },
            ],
          },
          'docx',
        )
      ).bytes,
    );
    expect(body).toContain('紧急变更，原因：支付通道中断');
    expect(body).toContain('由紧急 CAB 加急批准');
    expect(body).toContain('同意（紧急 CAB）');
    // A change approved the usual way says that too.
    const usual = await docxText(
      (await renderReport({ ...full, changes: [{ ...change, approvedVia: 'cab' }] }, 'docx')).bytes,
    );
    expect(usual.body).toContain('由 CAB 按法定票数批准');
    expect(usual.body).not.toContain('紧急 CAB');
  });

  it('CL-2 an empty report keeps every section and says 无 under it, in both formats', async () => {
    const docx = await docxText((await renderReport(empty, 'docx')).bytes);
    const page = inspectPdf((await renderReport(empty, 'pdf')).bytes, 'report-empty');
    for (const text of [docx.body, page.text]) {
      for (const s of SECTIONS) expect(text).toContain(s);
      // Timeline, plan against actual, checks, verifications, acceptance, incidents, rollback,
      // analysis, lessons, articles, CMDB: each says 无.
      expect(text.match(/无/g)!.length).toBeGreaterThanOrEqual(11);
    }
  });

  it('CL-2 the report in English when asked', async () => {
    const doc = await renderReport(full, 'docx', { lang: 'en' });
    expect(doc.filename).toBe('Release-Report-REL-2026-0007.docx');
    const { body } = await docxText(doc.bytes);
    expect(body).toContain('Release Change Report');
    expect(body).toContain('Plan against actual');
  });
});
