import type { Kysely } from 'kysely';
import type { Clock, PolicyRules } from '@releasegate/domain';
import { labelsFor } from '../documents/document.labels';
import type { Database } from '../../db/schema';
import { notify } from '../notifications/notify';
import type { Release } from './release.repository';

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
      audience: { roles: rules.approvalAuthority[after.type] },
    });
}
