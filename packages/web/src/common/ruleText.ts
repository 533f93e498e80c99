import type { TFunction } from 'i18next';
import type { Blocker, ChangeApproval, SectionGap } from '../api/types';
import { formatMinute } from './format';
import {
  postReleaseBlockerReason,
  postReleaseRuleLabel,
} from '../pages/releases/postrelease/postreleaseText';

/**
 * The release rules in the reader's language. The server decides what is allowed and says why in
 * English with a stable rule name; this file only puts those words into Chinese (or English). A
 * reason it does not recognise is shown as the server wrote it.
 */

const RULE_KEYS: Record<string, string> = {
  'release lifecycle': 'lifecycle',
  'RO-4 intake roles': 'intakeRoles',
  'TY-1 classification by operations': 'classification',
  'RO-2 the engineer drafts the plan': 'drafter',
  'PL-3 approved plans are immutable': 'immutable',
  'TY-1 classify before approval': 'classifyFirst',
  'PL-1 plan sections': 'sections',
  'TY-4 emergency short form': 'shortForm',
  'PL-5 schedule conflicts': 'conflicts',
  'TY-2 approval authority': 'authority',
  'RO-5 four eyes': 'fourEyes',
  'RO-4 four eyes at intake': 'intakeFourEyes',
  'PR-6 a release carries items or target CIs': 'releaseScope',
  'PL-1 window not in the past': 'windowPast',
  'CL-1 an unsuccessful close says why': 'closeReason',
  'PL-3 a revision is a new version': 'revision',
  'RO-1 the manager cancels': 'cancel',
  'IN-1 approved changes only': 'approvedChanges',
  'TY-3 override needs a reason': 'overrideReason',
  'IN-3…IN-5 assessment during intake': 'assessment',
  'DS-2 approved DSL versions only': 'dslApproved',
  'PR-6 release items': 'items',
  'change lifecycle': 'changeLifecycle',
  'IN-2 external changes are managed in their own system': 'external',
  'four eyes': 'changeFourEyes',
  'RO-1 the manager maintains the policy': 'policyManager',
  'policy approval': 'policyApproval',
  'PC-1 policy in force': 'policyInForce',
  'IM-1 pre-release verification by the implementation team': 'verifiers',
  'RO-2 the implementation team deploys': 'implementers',
  'IN-2 changes still approved': 'changesStillApproved',
  'PR-1 approved plan, verified': 'approvedVerified',
  'PR-1 window open': 'windowOpen',
  'PL-5 no freeze': 'noFreeze',
  'PR-5 approved versions only': 'approvedVersions',
  'IM-1 pre-release verification passed': 'checksPassed',
  'RO-3 the release implementer executes steps': 'stepExecutors',
  'IM-2 every step done': 'stepsDone',
  'RB-2 decide first': 'decideFirst',
  'IM-4 monitoring by the implementation team': 'monitors',
  'RB-1 anyone watching may raise a trigger': 'triggerRaisers',
  'RB-2 an authorised person decides': 'deciders',
  'RB-2 a decision answers a trigger': 'triggerOpen',
  'RO-2 the engineer executes the rollback': 'rollbackExecutors',
  'RB-4 restoration verified': 'restorationVerified',
  'RB-3 every rollback step done': 'rollbackStepsDone',
  'RO-1 the manager closes': 'managerCloses',
  'IM-1 evidence': 'evidence',
  'IM-2 steps in plan order': 'stepOrder',
  'IM-2 a step not in the plan needs a plan revision': 'notInPlan',
  'RB-3 rollback steps in order': 'rollbackOrder',
  'RB-2 continue with a reason': 'continueReason',
  'RB-2 one decision per trigger': 'oneDecision',
  'RB-4 restoration verified against the baseline': 'baseline',
  'IM-4 indicators from the plan': 'planIndicators',
  'TY-4 emergency releases only': 'emergencyOnly',
  'TY-4 completion': 'completion',
  'TY-4 the plan completed before close': 'completedBeforeClose',
  'TY-4 reviewed after the fact': 'reviewed',
  'TY-4 the review is by someone other than the approver': 'reviewerNotApprover',
  'TY-4 the completion keeps what was approved': 'completionKeeps',
  'PO-2 the CMDB update applies the plan': 'cmdbAppliesPlan',
  'IN-1 an emergency CAB approval serves an emergency release only': 'expeditedForEmergency',
  'IN-1 an emergency change says why': 'emergencyChangeReason',
  'IN-1 the emergency CAB is smaller than the CAB': 'emergencyCabSize',
  'IN-1 the emergency CAB votes on changes': 'emergencyCabVoters',
};

/** TY-4's blockers, by the server's words. */
const EMERGENCY_REASONS: Record<string, string> = {
  'only an emergency release completes its plan and is reviewed after the fact': 'emergencyOnly',
  'the completed plan awaits approval': 'completionPending',
  'the review of the emergency release after the fact is not recorded': 'notReviewed',
  'the review is already recorded': 'alreadyReviewed',
  'whoever approved a plan of this release cannot review it after the fact': 'reviewerApproved',
  'the approved plan is already complete': 'planComplete',
  'no completed plan awaits approval': 'noCompletion',
  'no plan of this release has been approved yet': 'noShortForm',
};

/** "TY-2 审批权限" for "TY-2 approval authority"; the rule itself when unknown. */
export function ruleLabel(t: TFunction, rule: string): string {
  const key = RULE_KEYS[rule];
  return key ? t(`ruleNames.${key}`) : (postReleaseRuleLabel(t, rule) ?? rule);
}

const GAP_KEYS: Record<string, string> = {
  'state the purpose of the release': 'purpose',
  'name the configuration items in scope (from impact analysis)': 'scopeCis',
  'state the users affected and the expected downtime (0 if none)': 'scopeUsers',
  'list the participants and what each is responsible for': 'participants',
  'list the risks, each with its response': 'risks',
  'record the configuration baseline and the target version of each CI': 'baseline',
  'give the target version of every CI in the baseline': 'targetVersions',
  'plan the work after deployment (verification, CMDB update, monitoring)': 'postDeployment',
  'give the window: start and end': 'window',
  'the window must end after it starts': 'windowOrder',
  'state the technical, people and time resources': 'resources',
  'list the implementation steps in order': 'steps',
  'every step needs a title, an owner, expected minutes and how to verify it': 'stepFields',
  'list the rollback steps in order (PR-2: no plan without a rollback plan)': 'rollback',
  'every rollback step needs a title, an owner, expected minutes and how to verify it': 'rollbackFields',
  'give the rollback triggers: indicator and threshold': 'triggers',
};

/** Why a plan section is incomplete (PL-1). */
export function gapReason(t: TFunction, reason: string): string {
  const key = GAP_KEYS[reason];
  return key ? t(`gaps.${key}`) : reason;
}

export function sectionLabel(t: TFunction, section: string): string {
  return t(`plan.sections.${section}`, { defaultValue: section });
}

/** "回退措施（请按顺序列出回退步骤…）；配置基线（…）" */
export function gapsText(t: TFunction, gaps: readonly SectionGap[]): string {
  const open = t('common.parenOpen');
  const close = t('common.parenClose');
  return gaps
    .map((g) => `${sectionLabel(t, g.section)}${open}${gapReason(t, g.reason)}${close}`)
    .join(t('common.listSeparator'));
}

/** TY-3: one criterion of the type proposal. */
export function proposalReason(t: TFunction, reason: string): string {
  let m = /^touches (\d+) core CI/.exec(reason);
  if (m) return t('proposals.core', { count: Number(m[1]) });
  m = /^affects (\d+) CIs/.exec(reason);
  if (m) return t('proposals.wide', { count: Number(m[1]) });
  if (reason.startsWith('must be implemented immediately')) return t('proposals.immediate');
  if (reason.startsWith('hard to roll back')) return t('proposals.hardRollback');
  if (reason.startsWith('applies new technology')) return t('proposals.newTechnology');
  if (reason.startsWith('small scope')) return t('proposals.small');
  return reason;
}

const when = (iso: string) => (Number.isNaN(Date.parse(iso)) ? iso : formatMinute(iso));

/** PL-5: one schedule conflict as the server describes it. */
export function conflictText(t: TFunction, description: string): string {
  let m = /^freeze window (.+) \((\S+) – (\S+)\)$/.exec(description);
  if (m) return t('conflictText.freeze', { name: m[1], start: when(m[2]), end: when(m[3]) });
  m = /^(\S+) (.*) \(plan v(\d+), (\S+) – (\S+)\) touches the same or dependent CIs$/.exec(description);
  if (m)
    return t('conflictText.release', {
      number: m[1],
      title: m[2],
      version: m[3],
      start: when(m[4]),
      end: when(m[5]),
    });
  return description;
}

const ROLE_PHRASES: Record<string, string> = {
  'operations manager': 'operations_manager',
  'operations engineer': 'operations_engineer',
};

/** "运维管理部经理 operations manager or 运维工程师 operations engineer" → the roles in words. */
function rolesText(t: TFunction, text: string): string {
  return text
    .split(' or ')
    .map((part) => {
      const english = Object.keys(ROLE_PHRASES).find((p) => part.endsWith(p));
      const role = english ? ROLE_PHRASES[english] : part.trim();
      return t(`roles.${role}`, { defaultValue: part.trim() });
    })
    .join(t('policy.roleSeparator'));
}

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

function stateName(t: TFunction, state: string): string {
  return t(`releases.states.${state}`, { defaultValue: state });
}

/**
 * One blocker of a release action in words. `changes` (the release's changes) names the
 * unapproved ones precisely for IN-1.
 */
export function blockerReason(t: TFunction, b: Blocker, changes?: readonly ChangeApproval[]): string {
  const r = b.reason;
  let m: RegExpExecArray | null;
  if (b.kind === 'state' && (m = /^only when the release is (.+) \(it is (\w+)\)$/.exec(r)))
    return t('blockers.state', {
      states: m[1]
        .split(' or ')
        .map((s) => stateName(t, s))
        .join(t('blockers.stateOr')),
      current: stateName(t, m[2]),
    });
  if (b.kind === 'role') {
    if (r.startsWith('needs nobody')) return t('blockers.nobodyUntilClassified');
    if ((m = /^needs (.+) for a (\w+) release$/.exec(r)))
      return t('blockers.needsForType', {
        roles: rolesText(t, m[1]),
        type: t(`releases.types.${m[2]}`, { defaultValue: m[2] }),
      });
    if ((m = /^needs (.+)$/.exec(r))) return t('blockers.needs', { roles: rolesText(t, m[1]) });
  }
  switch (b.rule) {
    case 'IN-1 approved changes only': {
      const listed = changes?.some((c) => !c.approved)
        ? unapprovedChangesText(t, changes)
        : r.replace(/^not approved by change management: /, '');
      return t('blockers.unapprovedChanges', { changes: listed });
    }
    case 'PL-3 approved plans are immutable': {
      m = /^plan version (\d+) is (\w+)/.exec(r);
      return m
        ? t('blockers.immutable', {
            version: m[1],
            status: t(`plan.statuses.${m[2]}`, { defaultValue: m[2] }),
          })
        : r;
    }
    case 'TY-1 classify before approval':
      return t('blockers.classifyFirst');
    case 'PL-1 plan sections':
    case 'TY-4 emergency short form':
      if (b.missing?.length) return t('blockers.missing', { sections: gapsText(t, b.missing) });
      return r === 'there is no plan yet' ? t('blockers.noPlan') : r;
    case 'PL-5 schedule conflicts': {
      const list = r.replace(/^override with a reason first: /, '').split('; ');
      return t('blockers.conflicts', {
        conflicts: list.map((c) => conflictText(t, c)).join(t('common.listSeparator')),
      });
    }
    case 'RO-5 four eyes':
      return t('blockers.fourEyes');
    case 'TY-4 the plan completed before close':
      return b.missing?.length
        ? t('blockers.completionMissing', { sections: gapsText(t, b.missing) })
        : t('blockers.completionPending');
    case 'TY-4 emergency releases only':
    case 'TY-4 completion':
    case 'TY-4 reviewed after the fact':
    case 'TY-4 the review is by someone other than the approver':
      return EMERGENCY_REASONS[r] ? t(`blockers.${EMERGENCY_REASONS[r]}`) : r;
    case 'PO-2 the CMDB update applies the plan':
      return t('blockers.cmdbNoTargets');
    case 'IN-1 an emergency CAB approval serves an emergency release only':
      return t('blockers.expeditedForEmergency', {
        changes: r.replace(/^approved by the emergency CAB only: /, ''),
      });
    case 'RO-4 four eyes at intake':
      return t('blockers.intakeFourEyes');
    case 'PR-6 a release carries items or target CIs':
      return t('blockers.noScope');
    case 'PL-1 window not in the past':
      m = /^the window ended at (\S+);/.exec(r);
      return m ? t('blockers.windowPast', { end: when(m[1]) }) : r;
    default:
      return executionBlockerReason(t, b.rule, r, changes) ?? r;
  }
}

/** "environment_check, rollback_test" → "环境检查、回退测试" */
function checkItemsText(t: TFunction, keys: string): string {
  return keys
    .split(', ')
    .map((k) => t(`checkItems.${k}`, { defaultValue: k }))
    .join(t('common.listSeparator'));
}

/** The gate and the implementation, monitoring and rollback rules (IM-1…IM-6, RB-1…RB-5). */
function executionBlockerReason(
  t: TFunction,
  rule: string,
  r: string,
  changes?: readonly ChangeApproval[],
): string | undefined {
  let m: RegExpExecArray | null;
  switch (rule) {
    case 'IN-2 changes still approved': {
      const listed = changes?.some((c) => !c.approved)
        ? unapprovedChangesText(t, changes)
        : r.replace(/^(not approved by change management|no longer approved): /, '');
      return t('blockers.unapprovedChanges', { changes: listed });
    }
    case 'PR-1 window open':
      m = /^outside the planned window (\S+) – (\S+)$/.exec(r);
      if (m) return t('blockers.outsideWindow', { start: when(m[1]), end: when(m[2]) });
      return r === 'the plan has no window' ? t('blockers.noWindow') : undefined;
    case 'PL-5 no freeze':
      m = /^freeze in force: (.+)$/.exec(r);
      return m ? t('blockers.freeze', { names: m[1] }) : undefined;
    case 'PR-5 approved versions only':
      m = /^(.+) is (\w+) in the software library$/.exec(r);
      return m
        ? t('blockers.versionNotApproved', {
            label: m[1],
            state: t(`dsl.states.${m[2]}`, { defaultValue: m[2] }),
          })
        : undefined;
    case 'IM-1 pre-release verification passed':
      m = /^not passed: (.+)$/.exec(r);
      return m ? t('blockers.checksPending', { items: checkItemsText(t, m[1]) }) : undefined;
    case 'IM-2 every step done':
    case 'RB-3 every rollback step done':
      m = /^(\d+) of (\d+) /.exec(r);
      return m ? t('blockers.stepsDone', { done: Number(m[1]), total: Number(m[2]) }) : undefined;
    case 'RB-2 decide first':
      m = /^(\d+) rollback trigger/.exec(r);
      return m ? t('blockers.decideFirst', { count: Number(m[1]) }) : undefined;
    case 'RB-2 a decision answers a trigger':
      return t('blockers.noOpenTrigger');
    case 'RB-4 restoration verified':
      return t('blockers.restorationFirst');
    default:
      return postReleaseBlockerReason(t, rule, r);
  }
}

/** "TY-2 审批权限：重大发布须由运维管理部经理审批" */
export function blockerText(t: TFunction, b: Blocker, changes?: readonly ChangeApproval[]): string {
  return `${ruleLabel(t, b.rule)}${t('common.colon')}${blockerReason(t, b, changes)}`;
}
