import type { TFunction } from 'i18next';
import type { Reason } from '@releasegate/messages';
import { reasonText } from '../../../common/ruleText';
import { formatDateTime, formatMinute } from '../../../common/format';
import type { ProblemRecord, RestorationItem, TriggerKind } from './execution.api';

/** A label the server gives in both languages (the policy's checklist items). */
export function localized(label: { zh: string; en: string }, language: string): string {
  return language === 'en' ? label.en : label.zh;
}

export function triggerKindText(t: TFunction, kind: string): string {
  return t(`execution.rollback.kinds.${kind as TriggerKind}`, { defaultValue: kind });
}

/**
 * RB-4: what the restoration check found different, in the reader's language (from its codes;
 * a check recorded before the differences carried codes shows them as recorded).
 */
const differencesText = (
  t: TFunction,
  reasons: readonly Reason[] | undefined,
  recorded: readonly string[],
) => (reasons ? reasons.map((r) => reasonText(t, r)) : [...recorded]);

export const restorationDifferences = (t: TFunction, item: RestorationItem) =>
  differencesText(t, item.differenceReasons as Reason[] | undefined, item.differences);

export const changedElsewhereText = (t: TFunction, item: RestorationItem) =>
  differencesText(t, item.changedElsewhereReasons as Reason[] | undefined, item.changedElsewhere ?? []);

type CourseEntry = ProblemRecord['course'][number];

/** The coded reason of a course entry (records made before entries carried codes have none). */
const courseReason = (entry: CourseEntry) => (entry as { reason?: Reason }).reason;

/** RB-5: one event of the rollback's course in the reader's language (as recorded when uncoded). */
export const courseText = (t: TFunction, entry: CourseEntry): string => {
  const reason = courseReason(entry);
  return reason ? reasonText(t, reason) : entry.event;
};

const ALARMING = new Set<Reason['code']>([
  'course_decision_late',
  'course_decision_reason_late',
  'course_differences',
  'course_failed',
]);

/** The colour of a course entry on the timeline: red what went wrong, orange a trigger, else green. */
export function courseColor(entry: CourseEntry): 'red' | 'orange' | 'green' {
  const reason = courseReason(entry);
  if (!reason) return 'green';
  const failedStep =
    (reason.code === 'course_step' || reason.code === 'course_step_result') &&
    reason.params.status === 'failed';
  if (ALARMING.has(reason.code) || failedStep) return 'red';
  return reason.code === 'course_trigger' ? 'orange' : 'green';
}

/** IM-4: the evidence the server writes on a trigger raised by a reading. */
export function triggerEvidenceText(t: TFunction, evidence: string): string {
  let m = /^entered by (.+) at (\S+)$/s.exec(evidence);
  if (m) return t('execution.rollback.evidenceEntered', { by: m[1], at: formatDateTime(m[2]) });
  m = /^Prometheus: (.+) at (\S+)$/s.exec(evidence);
  if (m) return t('execution.rollback.evidencePrometheus', { query: m[1], at: formatDateTime(m[2]) });
  return evidence;
}

/** RB-5: "REL-2026-0001 标题: rollback completed" in the reader's language. */
export function problemTitleText(t: TFunction, title: string): string {
  const r = 'execution.rollback';
  let m = /^(.*): rollback completed$/s.exec(title);
  if (m) return t(`${r}.problemCompleted`, { subject: m[1] });
  m = /^(.*): rollback failed: (.*)$/s.exec(title);
  if (m) return t(`${r}.problemFailed`, { subject: m[1], reason: m[2] });
  return title;
}

/** "29:54", "1:02:03": what is left to a deadline. */
export function clockText(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

export const when = (iso: string | null | undefined) => (iso ? formatMinute(iso) : '—');
