import type { TFunction } from 'i18next';
import type { Reason } from '@releasegate/messages';
import { reasonText } from '../../../common/ruleText';
import { formatDateTime, formatDuration, formatMinute } from '../../../common/format';
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

/** RB-5: one event of the rollback's course as the server records it, in the reader's language. */
export function courseText(t: TFunction, event: ProblemRecord['course'][number]['event']): string {
  const c = 'execution.rollback.course';
  const separator = t('common.listSeparator');
  let m: RegExpExecArray | null;
  if ((m = /^trigger \((\w+), (\w+)\): (.*)$/s.exec(event)))
    return t(`${c}.trigger`, {
      kind: triggerKindText(t, m[1]),
      source: t(`execution.rollback.sources.${m[2]}`, { defaultValue: m[2] }),
      summary: m[3],
    });
  if ((m = /^decision: (\w+)(?: — (.*?))? after ([\d.]+) min( \(late: RB-2 breach\))?$/s.exec(event)))
    return t(`${c}.decision`, {
      decision: t(`execution.rollback.decisions.${m[1]}`, { defaultValue: m[1] }),
      reason: m[2] ? `${t('common.colon')}${m[2]}` : '',
      duration: formatDuration(t, Number(m[3]) * 60),
      late: m[4] ? t(`${c}.decisionLate`) : '',
    });
  if ((m = /^rollback step (\d+) (.*): (running|succeeded|failed)(?: — (.*))?$/s.exec(event)))
    return t(`${c}.step`, {
      n: m[1],
      title: m[2],
      status: t(`execution.impl.statuses.${m[3]}`),
      result: m[4] ? `${t('common.colon')}${m[4]}` : '',
    });
  if (event === 'restoration check: configuration back to baseline') return t(`${c}.restored`);
  if ((m = /^restoration check: differences on (.*)$/s.exec(event)))
    return t(`${c}.differences`, { cis: m[1].split(', ').join(separator) });
  if (event === 'rollback completed') return t(`${c}.completed`);
  if ((m = /^rollback failed: (.*)$/s.exec(event))) return t(`${c}.failed`, { reason: m[1] });
  return event;
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
