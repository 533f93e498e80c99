import type { Kysely } from 'kysely';
import type { Clock, PolicyRules, ReleaseState } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { notify } from '../notifications/notify';
import type { Release } from './release.repository';

/** The lifecycle states as people read them (DESIGN.md). */
const STATE_NAMES: Record<ReleaseState, { zh: string; en: string }> = {
  requested: { zh: '待受理', en: 'requested' },
  planning: { zh: '计划制定', en: 'planning' },
  plan_review: { zh: '计划审批', en: 'plan review' },
  approved: { zh: '计划已批准', en: 'approved' },
  ready: { zh: '待实施', en: 'ready' },
  implementing: { zh: '实施中', en: 'implementing' },
  rolling_back: { zh: '回退中', en: 'rolling back' },
  rolled_back: { zh: '已回退', en: 'rolled back' },
  post_release: { zh: '发布后管理', en: 'post-release' },
  closed: { zh: '已关闭', en: 'closed' },
};

/**
 * a state change is announced to the operations team; a plan submitted for approval asks
 * the approvers the policy names for its type (TY-2). In the transaction that made the change.
 */
export async function announceStateChange(
  trx: Kysely<Database>,
  clock: Clock,
  rules: PolicyRules,
  before: Release,
  after: Release,
): Promise<void> {
  if (before.state === after.state) return;
  const link = `/releases/${after.id}`;
  const from = STATE_NAMES[before.state];
  const to = STATE_NAMES[after.state];
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
      audience: { roles: rules.approvalAuthority[after.type] },
    });
}
