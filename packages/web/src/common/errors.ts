import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isApiError, type ApiError } from '../api/client';
import type { Blocker, ChangeApproval } from '../api/types';
import type { Reason, RuleCode } from '@releasegate/messages';
import { blockerReason, blockerText, catalog, ruleLabel } from './ruleText';

/** Any error in one line for the user: a refusal from its codes, in the reader's language. */
export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : String(error);
  return apiErrorText(t, error);
}

/**
 * A refusal in words, from what it carries as codes (docs/decisions/0021): the lifecycle's blockers,
 * else its reasons, else the problems of the fields it names. The server's English message is
 * shown only for an answer that carries no code at all (a proxy's page, an older server).
 */
function apiErrorText(t: TFunction, error: ApiError): string {
  if (error.code === 'network_error') return t('errors.network');
  if (error.code === 'internal_error') {
    const requestId = error.detail('requestId');
    return t('errors.internal', { requestId: typeof requestId === 'string' ? requestId : '' });
  }
  const blockers = error.detail('blockers');
  if (Array.isArray(blockers) && blockers.length > 0)
    return (blockers as Blocker[]).map((b) => blockerText(t, b)).join(t('common.listSeparator'));
  const coded = codedReasonsText(t, error) ?? fieldProblemsText(t, error);
  if (coded) return coded;
  if (error.code === 'rate_limited') {
    const seconds = error.detail('retryAfterSeconds');
    return t('errors.rateLimited', { seconds: typeof seconds === 'number' ? seconds : 60 });
  }
  if (error.code === 'forbidden') return t('errors.forbidden');
  return error.message;
}

interface CodedReason {
  /** Absent when no rule of the policy stands behind the refusal (an unknown id). */
  ruleCode?: RuleCode;
  reasonCode: Reason['code'];
  params: Reason['params'];
}

/** A refusal that carries its reasons as codes (`details.reasons`), in the reader's language. */
function codedReasonsText(t: TFunction, error: ApiError): string | undefined {
  const reasons = error.detail('reasons');
  if (!Array.isArray(reasons) || reasons.length === 0) return undefined;
  // IN-1: a refusal over unapproved changes lists them with their states (`details.changes`).
  const changes = error.detail('changes');
  return (reasons as CodedReason[])
    .map((r) => {
      const why = blockerReason(
        t,
        { code: r.ruleCode, reasonCode: r.reasonCode, params: r.params } as Blocker,
        Array.isArray(changes) ? (changes as ChangeApproval[]) : undefined,
      );
      return r.ruleCode ? `${ruleLabel(t, r.ruleCode)}${t('common.colon')}${why}` : why;
    })
    .join(t('common.listSeparator'));
}

/** A refusal of fields only (`details.fieldProblems`): "字段：问题；…", each shown by its field too. */
function fieldProblemsText(t: TFunction, error: ApiError): string | undefined {
  const problems = Object.entries(error.fieldProblems);
  if (problems.length === 0) return undefined;
  const render = catalog(t);
  return problems
    .map(
      ([field, list]) =>
        `${field}${t('common.colon')}${list.map((p) => render.field(p)).join(t('common.listSeparator'))}`,
    )
    .join(t('catalog.grammar.semicolon'));
}

/** A function that turns any error into one line for the user. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback((error: unknown) => errorText(t, error), [t]);
}
