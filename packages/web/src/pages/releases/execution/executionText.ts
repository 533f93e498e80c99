import type { TFunction } from 'i18next';
import type { Reason } from '@releasegate/messages';
import { reasonText } from '../../../common/ruleText';
import { formatMinute } from '../../../common/format';
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

/**
 * IM-4: a trigger's evidence — what a person wrote, or what the system recorded of the reading
 * that raised it (a catalog reason, in the reader's language).
 */
export function triggerEvidenceText(
  t: TFunction,
  trigger: { evidence: string | null; evidenceReason?: Pick<Reason, 'code' | 'params'> | null },
): string {
  return trigger.evidenceReason ? reasonText(t, trigger.evidenceReason) : (trigger.evidence ?? '');
}

/**
 * RB-5: the problem record's title in the reader's language — the release and how its rollback
 * ended, read from the outcome the course records as a code (`course_completed`/`course_failed`).
 * A record from before the course carried codes keeps its English title.
 */
export function problemTitleText(
  t: TFunction,
  problem: Pick<ProblemRecord, 'title' | 'course'>,
  subject: string,
): string {
  const r = 'execution.rollback';
  for (const { reason } of problem.course) {
    if (reason?.code === 'course_completed') return t(`${r}.problemCompleted`, { subject });
    if (reason?.code === 'course_failed')
      return t(`${r}.problemFailed`, { subject, reason: reason.params.reason });
  }
  return problem.title;
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
