import { zh as messagesZh } from '@releasegate/messages';
import type { ReleaseType, Role } from '@releasegate/domain';
import { formatTime, type DocBuilder, type DocLang } from './document.model';
import { labelsFor } from './document.labels';
import type {
  CarriedChange,
  Classification,
  ConfiguredCi,
  EmergencyReview,
  ReleasedItem,
  SignOffEntry,
} from './report.data';

const WORDS = {
  zh: {
    sections: {
      changes: '关联变更与 CAB 审批',
      items: '发布内容',
      classification: '发布定级',
      configuration: '配置项版本（发布前后）',
      review: '事后评审',
      signOff: '审批签字',
    },
    change: '变更编号',
    changeTitle: '变更名称',
    external: '外部系统编号',
    builtIn: '本系统登记',
    approvedAt: '批准时间',
    votes: 'CAB 投票',
    voter: '投票人',
    vote: '表决',
    at: '时间',
    comment: '意见',
    decisions: { approve: '同意', reject: '反对' } as Record<string, string>,
    superseded: '（已被取代）',
    emergencyCabVote: '（紧急 CAB）',
    emergencyChange: (reason: string) => `紧急变更，原因：${reason}`,
    approvedVia: { cab: '由 CAB 按法定票数批准', emergency_cab: '由紧急 CAB 加急批准' },
    noVotes: '无 CAB 投票记录',
    kind: '类型',
    item: '发布项',
    dsl: '最终软件库版本',
    digest: 'SHA-256 摘要',
    noDigest: '外部制品，无摘要',
    cis: '涉及配置项',
    kinds: { software: '软件', hardware: '硬件', document: '文档', service: '服务' } as Record<
      string,
      string
    >,
    proposed: '系统建议类型',
    proposedReasons: '建议依据',
    final: '最终类型',
    overrideReason: '调整理由',
    notOverridden: '采纳系统建议',
    ci: '配置项',
    before: '发布前版本',
    target: '目标版本',
    applied: 'CMDB 已更新为',
    notApplied: '尚未更新',
    reviewed: '评审结论',
    reviewedBy: '评审人',
    reviewedAt: '评审时间',
    notReviewed: '未评审',
    duty: '事项',
    role: '角色',
    name: '姓名',
    opinion: '审批意见',
    signature: '签字',
    date: '日期',
    signNote: '系统记录的审批人和意见已预填；签字与日期由本人在纸面文件上签署。',
    duties: { plan_approval: '发布计划审批', close: '发布关闭', acceptance: '用户验收' },
    roles: messagesZh.words.role satisfies Record<Role, string>,
    or: '或',
  },
  en: {
    sections: {
      changes: 'Changes and CAB approval',
      items: 'What was released',
      classification: 'Classification',
      configuration: 'Configuration items before and after',
      review: 'After-the-fact review',
      signOff: 'Sign-off',
    },
    change: 'Change no.',
    changeTitle: 'Change',
    external: 'External id',
    builtIn: 'Built-in register',
    approvedAt: 'Approved at',
    votes: 'CAB votes',
    voter: 'Voter',
    vote: 'Vote',
    at: 'Time',
    comment: 'Comment',
    decisions: { approve: 'Approve', reject: 'Reject' } as Record<string, string>,
    superseded: ' (superseded)',
    emergencyCabVote: ' (emergency CAB)',
    emergencyChange: (reason: string) => `Emergency change, because: ${reason}`,
    approvedVia: { cab: 'Approved by the CAB quorum', emergency_cab: 'Approved by the emergency CAB' },
    noVotes: 'No CAB votes recorded',
    kind: 'Kind',
    item: 'Item',
    dsl: 'DSL version',
    digest: 'SHA-256 digest',
    noDigest: 'external artifact, no digest',
    cis: 'Configuration items',
    kinds: { software: 'Software', hardware: 'Hardware', document: 'Document', service: 'Service' } as Record<
      string,
      string
    >,
    proposed: 'Proposed type',
    proposedReasons: 'Why proposed',
    final: 'Final type',
    overrideReason: 'Reason for the override',
    notOverridden: 'The proposal was taken',
    ci: 'Configuration item',
    before: 'Before',
    target: 'Target',
    applied: 'Applied in the CMDB',
    notApplied: 'Not yet updated',
    reviewed: 'Conclusion',
    reviewedBy: 'Reviewed by',
    reviewedAt: 'Reviewed at',
    notReviewed: 'Not reviewed',
    duty: 'Duty',
    role: 'Role',
    name: 'Name',
    opinion: 'Opinion',
    signature: 'Signature',
    date: 'Date',
    signNote: 'Names and opinions are as the system recorded them; sign and date by hand.',
    duties: { plan_approval: 'Plan approval', close: 'Close', acceptance: 'User acceptance' },
    roles: {
      operations_manager: 'Operations manager',
      operations_engineer: 'Operations engineer',
      configuration_administrator: 'Configuration administrator',
      release_implementer: 'Release implementer',
      cab_member: 'CAB member',
      business_representative: 'Business representative',
      system_administrator: 'System administrator',
      security_administrator: 'Security administrator',
      auditor: 'Auditor',
    } satisfies Record<Role, string>,
    or: ' or ',
  },
} satisfies Record<DocLang, unknown>;

/**
 * CL-2, PL-4: the sections that make 《发布变更报告》 and 《发布计划》 evidence — the changes and
 * their CAB votes (IN-1), what was released with its digests (PR-5), the configuration before and
 * after (PO-2), the classification and its override reason (TY-3), the emergency review (TY-4)
 * and the sign-off block. Both documents draw them the same way; `section` numbers the heading.
 */
export function evidenceSections(b: DocBuilder, lang: DocLang, section: (title: string) => unknown) {
  const L = labelsFor(lang);
  const w = WORDS[lang];
  const typeName = (t: ReleaseType | null | undefined) => (t ? L.types[t] : L.unclassified);
  return {
    words: w,
    classification(c: Classification | null | undefined, finalType: ReleaseType | null | undefined) {
      section(w.sections.classification);
      const final = c?.final ?? finalType;
      const overridden = !!c?.proposed && !!final && c.proposed !== final;
      b.fields([
        [w.proposed, c?.proposed ? typeName(c.proposed) : null],
        [w.proposedReasons, (c?.proposedReasons ?? []).join('；')],
        [w.final, typeName(final)],
        [w.overrideReason, overridden ? c?.overrideReason : c?.proposed && final ? w.notOverridden : null],
      ]);
    },
    changes(changes: CarriedChange[]) {
      section(w.sections.changes);
      b.table(
        [
          { title: w.change, width: 1.6 },
          { title: w.changeTitle, width: 2.6 },
          { title: w.external, width: 1.6 },
          { title: w.approvedAt, width: 1.6 },
        ],
        changes.map((c) => [c.number, c.title, c.external ?? w.builtIn, formatTime(c.approvedAt)]),
      );
      for (const c of changes) {
        b.heading(`${c.number} ${w.votes}`, 2);
        const how = [
          c.emergencyReason ? w.emergencyChange(c.emergencyReason) : null,
          c.approvedVia ? w.approvedVia[c.approvedVia] : null,
        ].filter((x): x is string => x !== null);
        if (how.length) b.note(how.join(lang === 'zh' ? '；' : '; '));
        if (!c.votes?.length) b.note(w.noVotes);
        else
          b.table(
            [
              { title: w.voter, width: 1.2 },
              { title: w.vote, width: 1.4 },
              { title: w.at, width: 1.6 },
              { title: w.comment, width: 2.8 },
            ],
            c.votes.map((v) => [
              v.voter,
              `${w.decisions[v.decision] ?? v.decision}${v.emergencyCab ? w.emergencyCabVote : ''}${v.superseded ? w.superseded : ''}`,
              formatTime(v.at),
              v.comment ?? '',
            ]),
          );
      }
    },
    items(items: ReleasedItem[]) {
      section(w.sections.items);
      b.table(
        [
          { title: w.kind, width: 0.8 },
          { title: w.item, width: 2 },
          { title: w.dsl, width: 2 },
          { title: w.cis, width: 2 },
        ],
        items.map((i) => [
          w.kinds[i.kind] ?? i.kind,
          i.title,
          i.dsl ? `${i.dsl.name} ${i.dsl.version}` : '',
          (i.cis ?? []).join('、'),
        ]),
      );
      // A digest on a line of its own: it is copied and compared whole, never wrapped in a cell.
      const digests = items.filter((i) => i.dsl);
      if (digests.length > 0) {
        b.heading(w.digest, 2);
        b.bullets(digests.map((i) => `${i.dsl!.name} ${i.dsl!.version}：${i.dsl!.digest ?? w.noDigest}`));
      }
    },
    configuration(cis: ConfiguredCi[]) {
      section(w.sections.configuration);
      b.table(
        [
          { title: w.ci, width: 2.4 },
          { title: w.before, width: 1.5 },
          { title: w.target, width: 1.5 },
          { title: w.applied, width: 1.6 },
        ],
        cis.map((c) => [c.ci, c.before ?? '', c.target, c.applied ?? w.notApplied]),
      );
    },
    review(review: EmergencyReview | null) {
      section(w.sections.review);
      if (!review) b.paragraph(w.notReviewed);
      else
        b.fields([
          [w.reviewedBy, review.by],
          [w.reviewedAt, formatTime(review.at)],
          [w.reviewed, review.conclusion],
        ]);
    },
    signOff(entries: SignOffEntry[]) {
      section(w.sections.signOff);
      b.table(
        [
          { title: w.duty, width: 1.4 },
          { title: w.role, width: 1.7 },
          { title: w.name, width: 1 },
          { title: w.opinion, width: 2.3 },
          { title: w.signature, width: 1.1 },
          { title: w.date, width: 1.2 },
        ],
        entries.map((e) => [
          w.duties[e.duty],
          e.roles.map((r) => w.roles[r]).join(w.or),
          e.name ?? '',
          e.opinion ?? '',
          '',
          e.at ? formatTime(e.at).slice(0, 10) : '',
        ]),
      );
      b.note(w.signNote);
    },
  };
}
