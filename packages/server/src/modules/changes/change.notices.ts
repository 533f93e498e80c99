import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { notify, todoKey } from '../notifications/notify';
import type { Change } from './change.repository';

const RISK = {
  zh: { low: '低', medium: '中', high: '高' },
  en: { low: 'low', medium: 'medium', high: 'high' },
} as const;

/**
 * X-2: a change submitted for CAB review asks every CAB member for a vote (IN-1), except the one
 * who submitted it and the requester (who may not vote on it). In the transaction that submitted it.
 */
export async function announceCabReview(
  trx: Kysely<Database>,
  clock: Clock,
  change: Change,
  actor: { userId: string; displayName: string },
): Promise<void> {
  const risk = change.risk;
  await notify(trx, clock, {
    kind: 'approval_waiting',
    link: `/changes/${change.id}`,
    title: { zh: `${change.number} 变更待 CAB 评审`, en: `${change.number}: change awaits CAB review` },
    body: {
      zh: `${change.title}（${risk ? `风险：${RISK.zh[risk]}，` : ''}提交人：${actor.displayName}）`,
      en: `${change.title} (${risk ? `${RISK.en[risk]} risk, ` : ''}submitted by ${actor.displayName})`,
    },
    audience: {
      // The CAB members, and the manager, who sits on the CAB (RO-1).
      roles: ['cab_member', 'operations_manager'],
      exceptUserIds: [actor.userId, ...(change.requesterId ? [change.requesterId] : [])],
    },
    todo: { key: todoKey('change', change.id, 'vote_change') },
  });
}
