import type { Kysely } from 'kysely';
import {
  PLAN_SECTION_LABELS,
  TRANSITIONS,
  emergencyRules,
  sectionGaps,
  type Clock,
  type PlanContent,
  type PolicyRules,
  type ReleaseAction,
  type ReleaseFacts,
  type SectionGap,
} from '@releasegate/domain';
import { labelsFor } from '../documents';
import type { Database } from '../../db/schema';
import { notify, todoKey } from '../notifications';
import type { Release } from './release.repository';

/**
 * Who may take an action on the release, as the lifecycle table resolves it from the policy:
 * the same roles the guard admits (the roles of these actions depend on the release's type only).
 */
const whoMay = (action: ReleaseAction, rules: PolicyRules, release: Release) =>
  TRANSITIONS[action].roles(rules, {
    state: release.state,
    type: release.type,
    unapprovedChanges: [],
    plan: null,
  });

/**
 * a release request asks for acceptance (IN-6) everyone the policy lets accept it (RO-4:
 * the intake roles), except the requester. In the transaction that stored the request.
 */
export async function announceRequest(
  trx: Kysely<Database>,
  clock: Clock,
  rules: PolicyRules,
  release: Release,
  actor: { userId: string; displayName: string },
): Promise<void> {
  await notify(trx, clock, {
    kind: 'approval_waiting',
    releaseId: release.id,
    link: `/releases/${release.id}`,
    title: {
      zh: `${release.number} 发布申请待受理`,
      en: `${release.number}: release request awaits acceptance`,
    },
    body: {
      zh: `${release.title}（申请人：${actor.displayName}）`,
      en: `${release.title} (requested by ${actor.displayName})`,
    },
    audience: { roles: whoMay('accept', rules, release), exceptUserIds: [actor.userId] },
    todo: { key: todoKey('release', release.id, 'accept') },
  });
}

/**
 * a state change is announced to the operations team as information (the digest, not the
 * bell: decision 0018); a plan submitted for approval asks
 * the approvers the policy names for its type (TY-2); a release entering post-release asks the
 * business representatives for user acceptance (PO-1). Approvals waiting are not sent to the
 * actor. In the transaction that made the change.
 */
export async function announceStateChange(
  trx: Kysely<Database>,
  clock: Clock,
  rules: PolicyRules,
  before: Release,
  after: Release,
  actorId: string,
): Promise<void> {
  if (before.state === after.state) return;
  const link = `/releases/${after.id}`;
  const [zh, en] = [labelsFor('zh').states, labelsFor('en').states];
  const from = { zh: zh[before.state], en: en[before.state].toLowerCase() };
  const to = { zh: zh[after.state], en: en[after.state].toLowerCase() };
  await notify(trx, clock, {
    kind: 'state_changed',
    releaseId: after.id,
    link,
    title: { zh: `${after.number} ${to.zh}`, en: `${after.number} is ${to.en}` },
    body: {
      zh: `${after.title}：${from.zh} → ${to.zh}`,
      en: `${after.title}: ${from.en} → ${to.en}`,
    },
    audience: { roles: ['operations_manager', 'operations_engineer'] },
  });
  if (after.state === 'plan_review' && after.type)
    await notify(trx, clock, {
      kind: 'approval_waiting',
      releaseId: after.id,
      link,
      title: { zh: `${after.number} 发布计划待审批`, en: `${after.number}: release plan awaits approval` },
      body: { zh: after.title, en: after.title },
      audience: { roles: whoMay('approve_plan', rules, after), exceptUserIds: [actorId] },
      todo: { key: todoKey('release', after.id, 'approve_plan') },
      card: { op: 'plan', releaseId: after.id },
    });
  if (after.state === 'post_release')
    await notify(trx, clock, {
      kind: 'approval_waiting',
      releaseId: after.id,
      link,
      title: {
        zh: `${after.number} 用户验收待签署`,
        en: `${after.number}: user acceptance awaits your sign-off`,
      },
      body: {
        zh: `${after.title} 已实施完成，请验证业务后在“发布后管理”中签署用户验收。`,
        en: `${after.title} has been implemented: verify the business and sign the user acceptance under Post-release.`,
      },
      audience: { roles: whoMay('sign_acceptance', rules, after), exceptUserIds: [actorId] },
      todo: { key: todoKey('release', after.id, 'sign_acceptance') },
    });
}

const sectionNames = (gaps: SectionGap[], lang: 'zh' | 'en') =>
  gaps.map((g) => PLAN_SECTION_LABELS[g.section][lang]).join(lang === 'zh' ? '、' : ', ');

/** States after which an emergency release is reviewed (a failed rollback closes from `rolling_back`). */
const REVIEWABLE = ['post_release', 'rolling_back', 'rolled_back'];

/**
 * X-2, TY-4 (decision 0018): the to-dos of the emergency path, so nothing of it is left to memory:
 * once the short form is approved, completing the plan (for the planners); once a completion has
 * every section, approving it (for the emergency authority); once the release has run, the review
 * after the fact (for the reviewers who approved none of its plans). In the action's transaction.
 */
export async function announceEmergencyTodos(
  trx: Kysely<Database>,
  clock: Clock,
  rules: PolicyRules,
  event: {
    action: ReleaseAction;
    before: Release;
    after: Release;
    actorId: string;
    /** The facts the action was allowed on (the plan's gaps, who approved plans). */
    facts: ReleaseFacts;
    /** complete_plan: the completion as saved. */
    plan?: { content: PlanContent };
  },
): Promise<void> {
  const { action, before, after, actorId, facts } = event;
  if (after.type !== 'emergency') return;
  const link = `/releases/${after.id}`;
  const gaps = facts.plan?.gaps ?? [];
  if (action === 'approve_plan' && gaps.length > 0)
    await notify(trx, clock, {
      kind: 'approval_waiting',
      releaseId: after.id,
      link: `${link}?tab=plan`,
      title: {
        zh: `${after.number} 紧急发布计划待补全`,
        en: `${after.number}: complete the emergency plan`,
      },
      body: {
        zh: `简版计划已批准；关闭前须补全：${sectionNames(gaps, 'zh')}（TY-4）。`,
        en: `The short form is approved; before close, complete: ${sectionNames(gaps, 'en')} (TY-4).`,
      },
      audience: { roles: whoMay('complete_plan', rules, after) },
      todo: { key: todoKey('release', after.id, 'complete_plan') },
    });
  if (action === 'complete_plan' && event.plan) {
    const missing = sectionGaps(event.plan.content, rules.requiredPlanSections);
    if (missing.length === 0)
      await notify(trx, clock, {
        kind: 'approval_waiting',
        releaseId: after.id,
        link: `${link}?tab=plan`,
        title: {
          zh: `${after.number} 补全的紧急发布计划待审批`,
          en: `${after.number}: the completed emergency plan awaits approval`,
        },
        body: { zh: after.title, en: after.title },
        audience: {
          roles: whoMay('approve_completion', rules, after),
          // RO-5: the drafter approves only where the policy's emergency answer lets them.
          exceptUserIds: rules.fourEyes && !emergencyRules(rules).selfApprovalWithReview ? [actorId] : [],
        },
        todo: { key: todoKey('release', after.id, 'approve_completion') },
      });
  }
  if (before.state !== after.state && REVIEWABLE.includes(after.state) && !facts.emergency?.reviewedBy)
    await notify(trx, clock, {
      kind: 'approval_waiting',
      releaseId: after.id,
      link,
      title: {
        zh: `${after.number} 紧急发布待事后评审`,
        en: `${after.number}: the emergency release awaits its review`,
      },
      body: {
        zh: `${after.title}：请评审紧急通道是否合理并记录发现（TY-4），关闭前须完成。`,
        en: `${after.title}: review whether the emergency path was justified and record the findings (TY-4); due before close.`,
      },
      audience: {
        roles: whoMay('review_emergency', rules, after),
        exceptUserIds: facts.emergency?.approverIds ?? [],
      },
      todo: { key: todoKey('release', after.id, 'review_emergency') },
    });
}
