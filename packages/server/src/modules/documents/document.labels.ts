import { en as messagesEn, zh as messagesZh } from '@releasegate/messages';
import type { PlanRisk, PlanStatus, ReleaseOutcome, ReleaseState, ReleaseType } from '@releasegate/domain';
import type { DocLang } from './document.model';

const DIGITS = '零一二三四五六七八九';

/** 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (section numbers); larger ones as digits. */
export function chineseNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) return String(n);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens > 1 ? DIGITS[tens] : ''}${tens > 0 ? '十' : ''}${ones > 0 ? DIGITS[ones] : ''}`;
}

/**
 * The words of the documents. They are Chinese documents (the policy's terms, as the web UI uses
 * them); English is a courtesy for readers outside the department.
 */
const zh = {
  empty: '无',
  pageLabel: '第 {page} 页 / 共 {pages} 页',
  timeNote: '文中时间均为北京时间（UTC+8）',
  yes: '是',
  no: '否',
  minutes: (n: number) => `${n} 分钟`,
  types: { emergency: '紧急发布', major: '重大发布', normal: '一般发布' } satisfies Record<
    ReleaseType,
    string
  >,
  unclassified: '未定级',
  states: messagesZh.words.releaseState satisfies Record<ReleaseState, string>,
  outcomes: {
    successful: '成功',
    failed: '失败',
    rolled_back: '已回退',
    cancelled: '已取消',
    rejected: '已拒绝',
  } satisfies Record<ReleaseOutcome, string>,
  planStatuses: {
    draft: '草稿',
    submitted: '待审批',
    approved: '已批准',
    rejected: '已驳回',
    superseded: '已被取代',
  } satisfies Record<PlanStatus, string>,
  riskCategories: { technical: '技术风险', business: '业务风险', management: '管理风险' } satisfies Record<
    PlanRisk['category'],
    string
  >,
  levels: { low: '低', medium: '中', high: '高' } satisfies Record<PlanRisk['impact'], string>,
  numbered: (n: number, text: string) => `${chineseNumeral(n)}、${text}`,
};

type Labels = typeof zh;

const en: Labels = {
  empty: 'None',
  pageLabel: 'Page {page} of {pages}',
  timeNote: 'Times are China Standard Time (UTC+8)',
  yes: 'Yes',
  no: 'No',
  minutes: (n) => `${n} min`,
  types: { emergency: 'Emergency', major: 'Major', normal: 'Normal' },
  unclassified: 'Unclassified',
  states: messagesEn.words.releaseState,
  outcomes: {
    successful: 'Successful',
    failed: 'Failed',
    rolled_back: 'Rolled back',
    cancelled: 'Cancelled',
    rejected: 'Rejected',
  },
  planStatuses: {
    draft: 'Draft',
    submitted: 'Submitted',
    approved: 'Approved',
    rejected: 'Rejected',
    superseded: 'Superseded',
  },
  riskCategories: { technical: 'Technical', business: 'Business', management: 'Management' },
  levels: { low: 'Low', medium: 'Medium', high: 'High' },
  numbered: (n, text) => `${n}. ${text}`,
};

export const labelsFor = (lang: DocLang): Labels => (lang === 'en' ? en : zh);

/** Picks the word of the document's language from a `{ zh, en }` pair. */
export const pick = (lang: DocLang, pair: { zh: string; en: string }) => pair[lang];
