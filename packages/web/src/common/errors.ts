import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isApiError, type ApiError } from '../api/client';
import type { Blocker, ChangeApproval } from '../api/types';
import { ruleCodeOf, type Reason, type RuleCode } from '@releasegate/messages';
import { formatDateTime } from './format';
import { blockerText, reasonText, ruleLabel, unapprovedChangesText } from './ruleText';

/** Refusals of the access controls (issue #11) that need no parameters, by rule. */
const SIMPLE_RULES: Partial<Record<RuleCode, string>> = {
  no_self_granted_roles: 'rules.noSelfGrant',
  x4_tokens_by_owner: 'rules.tokenOwnerOnly',
  x4_service_account_scopes: 'rules.serviceAccountScopes',
  x4_identity_by_people: 'rules.identityNotOnTokens',
  x4_service_accounts_no_sign_in: 'rules.serviceAccountNoPassword',
  x4_session_only: 'rules.sessionOnly',
  x4_second_factor_reset_by_another: 'rules.secondFactorResetByAnother',
  policy_four_eyes: 'rules.policyFourEyes',
  approval_from_change_management: 'rules.approvalFromFeed',
  idempotency_key_one_request: 'rules.idempotencyReused',
  completion_keeps_approved: 'rules.completionKeeps',
};

function roleList(t: TFunction, value: unknown): string {
  const roles = Array.isArray(value) ? value.map(String) : [];
  return roles.map((r) => t(`roles.${r}`, { defaultValue: r })).join(t('rules.and'));
}

/** Known refusals in the user's language; the server's own message for everything else. */
export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : String(error);
  return apiErrorText(t, error);
}

/** The rule a refusal names, as its code (`details.ruleCode`; older answers only named it in English). */
function ruleOf(error: ApiError): RuleCode | undefined {
  const code = error.detail('ruleCode');
  if (typeof code === 'string') return code as RuleCode;
  const rule = error.detail('rule');
  return typeof rule === 'string' ? ruleCodeOf(rule) : undefined;
}

function apiErrorText(t: TFunction, error: ApiError): string {
  const rule = ruleOf(error);
  if (error.code === 'network_error') return t('errors.network');
  if (error.code === 'internal_error') {
    const requestId = error.detail('requestId');
    return t('errors.internal', { requestId: typeof requestId === 'string' ? requestId : '' });
  }
  if (error.reason === 'csrf') return t('errors.csrf');
  if (error.code === 'rate_limited') {
    const seconds = error.detail('retryAfterSeconds');
    return t('errors.rateLimited', { seconds: typeof seconds === 'number' ? seconds : 60 });
  }
  if (error.reason === 'password_expired') return t('errors.passwordExpired');
  if (error.reason === 'second_factor_required') return t('errors.secondFactorRequired');
  if (rule === 'x4_second_factor' && error.code === 'conflict' && error.reason)
    return t(`twoStep.errors.${error.reason}`, { defaultValue: error.message });
  if (error.reason === 'already_done') {
    // A lost race (two people at once): say who did it first, and when.
    const by = error.detail('by');
    const at = error.detail('at');
    return t('errors.alreadyDone', {
      by: typeof by === 'string' ? by : t('errors.someoneElse'),
      at: typeof at === 'string' ? formatDateTime(at) : '',
    });
  }
  const directory = directoryErrorText(t, error, rule);
  if (directory) return directory;
  const coded = codedReasonsText(t, error);
  if (coded) return coded;
  const simple = rule ? SIMPLE_RULES[rule] : undefined;
  if (simple) return t(simple);
  if (rule === 'separation_of_duties')
    return t('rules.separationOfDuties', { roles: roleList(t, error.detail('conflictingRoles')) });
  if (rule === 'last_security_administrator') return t('rules.lastSecurityAdministrator');
  if (rule === 'no_self_disable') return t('rules.noSelfDisable');
  if (rule === 'token_scope_within_owner') return t('rules.tokenScope');
  if (rule === 'dsl_approved_immutable') return t('rules.dslImmutable');
  if (typeof rule === 'string') {
    const release = releaseRuleText(t, error, rule);
    if (release) return release;
  }
  if (rule === 'change_four_eyes') return t('rules.fourEyes');
  if (rule === 'dsl_version_state') return t('rules.dslState');
  if (rule === 'dsl_external_reference') return t('rules.dslExternal');
  if (rule === 'blob_integrity') return t('rules.dslIntegrity');
  if (rule === 'dsl_upload_size_limit') {
    const maxBytes = error.detail('maxBytes');
    return t('rules.dslTooLarge', {
      mb: typeof maxBytes === 'number' ? Math.round(maxBytes / 1048576) : '?',
    });
  }
  if (rule === 'retired_cis_read_only' || rule === 'retire_once') return t('rules.ciRetired');
  // CM-5: an import over one of its limits, or a file that is neither CSV nor XLSX.
  const mb = (name: string) => {
    const bytes = error.detail(name);
    return typeof bytes === 'number' ? Math.round(bytes / 1048576) : '?';
  };
  if (rule === 'cmdb_import_file_size') return t('rules.importTooLarge', { mb: mb('maxBytes') });
  if (rule === 'cmdb_import_unzipped_size') return t('rules.importUnzippedTooLarge', { mb: mb('maxBytes') });
  if (rule === 'cmdb_import_rows') return t('rules.importTooManyRows', { rows: error.detail('maxRows') });
  if (rule === 'cmdb_import_file_format') return t('rules.importUnreadable');
  if (error.code === 'forbidden') return t('errors.forbidden');
  return error.message;
}

/** The rules of directory sign-in and group mappings (X-4, RO-1, RO-3), by the reason they give. */
const DIRECTORY_RULES = new Set<string>([
  'x4_directory_sign_in',
  'x4_directory_account',
  'ro1_role_from_groups',
  'x4_break_glass',
  'separation_of_duties',
  'x4_directory_recheck',
]);

function directoryErrorText(t: TFunction, error: ApiError, rule: RuleCode | undefined): string | undefined {
  if (!rule || !DIRECTORY_RULES.has(rule) || !error.reason) return undefined;
  const groups = error.detail('collidingGroups');
  const holder = error.detail('holder');
  const text = t(`directory.errors.${error.reason}`, {
    defaultValue: '',
    groups: Array.isArray(groups) ? groups.join(t('directory.groupSeparator')) : '',
    roles: roleList(t, error.detail('conflictingRoles')),
    holder: typeof holder === 'string' ? holder : '',
    count: error.detail('count'),
    max: error.detail('max'),
  });
  return text || undefined;
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
  return (reasons as CodedReason[])
    .map((r) => {
      const why = reasonText(t, { code: r.reasonCode, params: r.params });
      return r.ruleCode ? `${ruleLabel(t, r.ruleCode)}${t('common.colon')}${why}` : why;
    })
    .join(t('common.listSeparator'));
}

/** Refusals of the change, release, plan and policy rules, named by their rule. */
function releaseRuleText(t: TFunction, error: ApiError, rule: string): string | undefined {
  const blockers = error.detail('blockers');
  if (Array.isArray(blockers) && blockers.length > 0)
    return (blockers as Blocker[]).map((b) => blockerText(t, b)).join(t('common.listSeparator'));
  const named = (text: string) => `${ruleLabel(t, rule)}${t('common.colon')}${text}`;
  switch (rule) {
    case 'approved_changes_only': {
      const changes = error.detail('changes');
      const list = Array.isArray(changes) ? unapprovedChangesText(t, changes as ChangeApproval[]) : '';
      return named(t('refusals.unapprovedChanges', { changes: list }));
    }
    case 'assessment_during_intake':
      return named(t('refusals.assessment'));
    case 'dsl_approved_only':
      return named(t('refusals.dslApproved'));
    case 'release_items':
      return named(t('refusals.items'));
    case 'change_lifecycle': {
      const state = error.detail('state');
      return named(
        t('refusals.changeLifecycle', {
          state: typeof state === 'string' ? t(`changes.states.${state}`, { defaultValue: state }) : '',
        }),
      );
    }
    case 'external_changes':
      return named(t('refusals.external'));
    case 'change_four_eyes': {
      const requester = error.detail('requester');
      return typeof requester === 'string' ? named(t('refusals.changeFourEyes', { requester })) : undefined;
    }
    case 'manager_maintains_policy':
      return named(t('refusals.policyManager'));
    case 'policy_approval':
      return named(t('refusals.policyApproval'));
    case 'policy_in_force':
      return named(t('refusals.policyInForce'));
    case 'release_scope':
      return named(t('catalog.reasons.no_release_scope'));
    case 'close_needs_reason':
      return named(t('refusals.closeReason'));
    default:
      return executionRefusal(rule, named, t);
  }
}

/** Refusals of monitoring (IM-4) that carry no codes yet. */
function executionRefusal(rule: string, named: (text: string) => string, t: TFunction): string | undefined {
  return rule === 'indicators_from_plan' ? named(t('refusals.unknownIndicator')) : undefined;
}

/** A function that turns any error into one line for the user. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback((error: unknown) => errorText(t, error), [t]);
}
