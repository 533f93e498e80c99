import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isApiError, type ApiError } from '../api/client';
import type { Blocker, ChangeApproval } from '../api/types';
import { formatDateTime } from './format';
import { blockerText, ruleLabel, unapprovedChangesText } from './ruleText';
import { postReleaseRefusal } from '../pages/releases/postrelease/postreleaseText';

/** Refusals of the access controls (issue #11) that need no parameters, by rule. */
const SIMPLE_RULES: Record<string, string> = {
  'RO-3 no self-granted roles': 'rules.noSelfGrant',
  'X-4 tokens are issued by their owner': 'rules.tokenOwnerOnly',
  'X-4 service accounts carry pipeline scopes': 'rules.serviceAccountScopes',
  'X-4 identity is managed by people': 'rules.identityNotOnTokens',
  'X-4 service accounts do not sign in': 'rules.serviceAccountNoPassword',
  'X-4 session only': 'rules.sessionOnly',
  'PC-1 four eyes on the policy': 'rules.policyFourEyes',
  'IN-1 approval only from change management': 'rules.approvalFromFeed',
  'Idempotency-Key names one request': 'rules.idempotencyReused',
  'TY-4 the completion keeps what was approved': 'rules.completionKeeps',
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

function apiErrorText(t: TFunction, error: ApiError): string {
  const rule = error.detail('rule');
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
  if (error.reason === 'already_done') {
    // A lost race (two people at once): say who did it first, and when.
    const by = error.detail('by');
    const at = error.detail('at');
    return t('errors.alreadyDone', {
      by: typeof by === 'string' ? by : t('errors.someoneElse'),
      at: typeof at === 'string' ? formatDateTime(at) : '',
    });
  }
  const simple = typeof rule === 'string' ? SIMPLE_RULES[rule] : undefined;
  if (simple) return t(simple);
  if (rule === 'RO-3 separation of duties')
    return t('rules.separationOfDuties', { roles: roleList(t, error.detail('conflictingRoles')) });
  if (rule === 'last security administrator') return t('rules.lastSecurityAdministrator');
  if (rule === 'no self-disable') return t('rules.noSelfDisable');
  if (rule === 'token scope within owner permissions') return t('rules.tokenScope');
  if (rule === 'DS-1 approved versions are immutable') return t('rules.dslImmutable');
  if (typeof rule === 'string') {
    const release = releaseRuleText(t, error, rule);
    if (release) return release;
  }
  if (rule === 'four eyes') return t('rules.fourEyes');
  if (rule === 'DSL version state') return t('rules.dslState');
  if (rule === 'DSL external reference') return t('rules.dslExternal');
  if (rule === 'DS-3 integrity') return t('rules.dslIntegrity');
  if (rule === 'DSL upload size limit') {
    const maxBytes = error.detail('maxBytes');
    return t('rules.dslTooLarge', {
      mb: typeof maxBytes === 'number' ? Math.round(maxBytes / 1048576) : '?',
    });
  }
  if (rule === 'retired CIs are read-only' || rule === 'retire once') return t('rules.ciRetired');
  // CM-5: an import over one of its limits, or a file that is neither CSV nor XLSX.
  const mb = (name: string) => {
    const bytes = error.detail(name);
    return typeof bytes === 'number' ? Math.round(bytes / 1048576) : '?';
  };
  if (rule === 'CM-5 import file size') return t('rules.importTooLarge', { mb: mb('maxBytes') });
  if (rule === 'CM-5 import unzipped size') return t('rules.importUnzippedTooLarge', { mb: mb('maxBytes') });
  if (rule === 'CM-5 import rows') return t('rules.importTooManyRows', { rows: error.detail('maxRows') });
  if (rule === 'CM-5 import file format') return t('rules.importUnreadable');
  if (error.code === 'forbidden') return t('errors.forbidden');
  return error.message;
}

/** Refusals of the change, release, plan and policy rules, named by their rule. */
function releaseRuleText(t: TFunction, error: ApiError, rule: string): string | undefined {
  const blockers = error.detail('blockers');
  if (Array.isArray(blockers) && blockers.length > 0)
    return (blockers as Blocker[]).map((b) => blockerText(t, b)).join(t('common.listSeparator'));
  const named = (text: string) => `${ruleLabel(t, rule)}${t('common.colon')}${text}`;
  switch (rule) {
    case 'IN-1 approved changes only': {
      const changes = error.detail('changes');
      const list = Array.isArray(changes) ? unapprovedChangesText(t, changes as ChangeApproval[]) : '';
      return named(t('refusals.unapprovedChanges', { changes: list }));
    }
    case 'TY-3 override needs a reason': {
      const type = /^The system proposes (\w+)/.exec(error.message)?.[1] ?? '';
      return named(
        t('refusals.overrideReason', { type: t(`releases.types.${type}`, { defaultValue: type }) }),
      );
    }
    case 'IN-3…IN-5 assessment during intake':
      return named(t('refusals.assessment'));
    case 'DS-2 approved DSL versions only':
      return named(t('refusals.dslApproved'));
    case 'PR-6 release items':
      return named(t('refusals.items'));
    case 'change lifecycle': {
      const state = error.detail('state');
      return named(
        t('refusals.changeLifecycle', {
          state: typeof state === 'string' ? t(`changes.states.${state}`, { defaultValue: state }) : '',
        }),
      );
    }
    case 'IN-2 external changes are managed in their own system':
      return named(t('refusals.external'));
    case 'four eyes': {
      const requester = error.detail('requester');
      return typeof requester === 'string' ? named(t('refusals.changeFourEyes', { requester })) : undefined;
    }
    case 'RO-1 the manager maintains the policy':
      return named(t('refusals.policyManager'));
    case 'policy approval':
      return named(t('refusals.policyApproval'));
    case 'PC-1 policy in force':
      return named(t('refusals.policyInForce'));
    case 'PL-5 schedule conflicts':
      return named(error.message);
    case 'PR-6 a release carries items or target CIs':
      return named(t('blockers.noScope'));
    case 'CL-1 an unsuccessful close says why':
      return named(t('refusals.closeReason'));
    default:
      return executionRefusal(t, error.message, rule, named);
  }
}

/** Refusals of implementation, monitoring and rollback (IM-1…IM-6, RB-1…RB-5). */
function executionRefusal(
  t: TFunction,
  message: string,
  rule: string,
  named: (text: string) => string,
): string | undefined {
  let m: RegExpExecArray | null;
  switch (rule) {
    case 'IM-1 evidence':
      m = /\((\w+)\) passed needs evidence/.exec(message);
      return named(
        t('refusals.evidence', { item: m ? t(`checkItems.${m[1]}`, { defaultValue: m[1] }) : '' }),
      );
    case 'IM-2 steps in plan order':
    case 'RB-3 rollback steps in order':
      if ((m = /^Step (\d+) .*cannot start before step (\d+) /.exec(message)))
        return named(t('refusals.stepBefore', { n: m[1], before: m[2] }));
      if ((m = /^Step (\d+) .*is still running/.exec(message)))
        return named(t('refusals.stepRunning', { n: m[1] }));
      if ((m = /^Step (\d+) is .*only a running step can finish/.exec(message)))
        return named(t('refusals.stepNotRunning', { n: m[1] }));
      if ((m = /^Step (\d+) .*has already succeeded/.exec(message)))
        return named(t('refusals.stepDone', { n: m[1] }));
      return named(message);
    case 'RB-2 continue with a reason':
      return named(t('refusals.continueReason'));
    case 'RB-2 one decision per trigger':
      return named(t('refusals.oneDecision'));
    case 'RB-4 restoration verified against the baseline':
      return named(t('refusals.noBaseline'));
    case 'IM-4 indicators from the plan':
      return named(t('refusals.unknownIndicator'));
    case 'IM-2 a step not in the plan needs a plan revision':
      return named(message);
    default:
      return postReleaseRefusal(t, message, rule, named);
  }
}

/** A function that turns any error into one line for the user. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback((error: unknown) => errorText(t, error), [t]);
}
