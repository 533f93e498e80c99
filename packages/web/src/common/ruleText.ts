import type { TFunction } from 'i18next';
import { rendererOf, ruleCodeOf, type Reason, type Renderer, type RuleCode } from '@releasegate/messages';
import type { Blocker, ChangeApproval, SectionGap } from '../api/types';
import { formatMinute } from './format';

/**
 * The release rules in the reader's language. The server decides what is allowed and says why
 * as codes and parameters (docs/decisions/0021); the one message catalog (@releasegate/messages),
 * loaded into i18next under `catalog.`, puts them into words. Nothing here reads server prose.
 */

/** Marks a text the catalog lacks, so the renderer can fall back to the code. */
const ABSENT = '\u0000';

/** The catalog's renderer over `t`: texts in t's language, times as the rest of the app shows them. */
export function catalog(t: TFunction): Renderer {
  return rendererOf(
    (path) => {
      const text = t(`catalog.${path}`, { defaultValue: ABSENT });
      return text === ABSENT ? undefined : text;
    },
    { time: (iso) => (Number.isNaN(Date.parse(iso)) ? iso : formatMinute(iso)) },
  );
}

/** "TY-2 审批权限" for the rule `approval_authority` (or its English name, from older answers). */
export function ruleLabel(t: TFunction, rule: string): string {
  const code = (ruleCodeOf(rule) ?? rule) as RuleCode;
  const text = t(`catalog.rules.${code}`, { defaultValue: ABSENT });
  return text === ABSENT ? rule : text;
}

/** Why a plan section is incomplete (PL-1). */
export const gapReason = (t: TFunction, gap: Pick<SectionGap, 'section' | 'code'>): string =>
  t(`catalog.gaps.${gap.code}`);

export function sectionLabel(t: TFunction, section: string): string {
  return t(`plan.sections.${section}`, { defaultValue: section });
}

/** "回退措施（请按顺序列出回退步骤…）；配置基线（…）" */
export const gapsText = (t: TFunction, gaps: readonly SectionGap[]): string =>
  gaps.map((g) => catalog(t).gap(g)).join(t('catalog.grammar.semicolon'));

/** A reason of the catalog in words: a criterion of the type proposal (TY-3), a schedule conflict (PL-5)… */
/** A reason as the API sends it: a catalog code and its parameters. */
export const reasonText = (
  t: TFunction,
  reason: Reason | { code: Reason['code']; params: Record<string, unknown> },
): string => catalog(t).reason(reason as Reason);

/** "CHG-2026-0002 标题（草稿）" for the changes a release carries that are not approved. */
export function unapprovedChangesText(t: TFunction, changes: readonly ChangeApproval[]): string {
  return changes
    .filter((c) => !c.approved)
    .map((c) =>
      c.state === 'unknown'
        ? c.label
        : `${c.number} ${c.title}${t('common.parenOpen')}${t(`changes.states.${c.state}`, { defaultValue: c.state })}${t('common.parenClose')}`,
    )
    .join(t('common.listSeparator'));
}

/** The reasons that list changes: with the release's changes at hand, each is named with its state. */
const CHANGE_LISTS = new Set<Blocker['reasonCode']>(['unapproved_changes', 'changes_no_longer_approved']);

/**
 * One blocker of a release action in words. `changes` (the release's changes) names the
 * unapproved ones precisely for IN-1 and IN-2.
 */
export function blockerReason(t: TFunction, b: Blocker, changes?: readonly ChangeApproval[]): string {
  if (CHANGE_LISTS.has(b.reasonCode) && changes?.some((c) => !c.approved))
    return catalog(t).fill(t(`catalog.reasons.${b.reasonCode}`), {
      changes: [unapprovedChangesText(t, changes)],
    });
  return catalog(t).reason({ code: b.reasonCode, params: b.params } as Reason);
}

/** "TY-2 审批权限：重大发布须由运维管理部经理审批" */
export function blockerText(t: TFunction, b: Blocker, changes?: readonly ChangeApproval[]): string {
  return `${ruleLabel(t, b.code)}${t('common.colon')}${blockerReason(t, b, changes)}`;
}
