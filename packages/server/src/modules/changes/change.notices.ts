import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { notify, todoKey } from '../notifications';
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
  // IN-1, TY-4: an emergency change says so first, with its reason: the emergency CAB can decide it.
  const urgent = change.emergency
    ? {
        zh: `【紧急变更，可由紧急 CAB 审批】${change.emergencyReason ?? ''}。`,
        en: `[Emergency change, the emergency CAB may approve it] ${change.emergencyReason ?? ''}. `,
      }
    : { zh: '', en: '' };
  await notify(trx, clock, {
    kind: 'approval_waiting',
    link: `/changes/${change.id}`,
    title: change.emergency
      ? {
          zh: `${change.number} 紧急变更待 CAB 评审`,
          en: `${change.number}: emergency change awaits CAB review`,
        }
      : { zh: `${change.number} 变更待 CAB 评审`, en: `${change.number}: change awaits CAB review` },
    body: {
      zh: `${urgent.zh}${change.title}（${risk ? `风险：${RISK.zh[risk]}，` : ''}提交人：${actor.displayName}）`,
      en: `${urgent.en}${change.title} (${risk ? `${RISK.en[risk]} risk, ` : ''}submitted by ${actor.displayName})`,
    },
    audience: {
      // The CAB members, and the manager, who sits on the CAB (RO-1).
      roles: ['cab_member', 'operations_manager'],
      exceptUserIds: [actor.userId, ...(change.requesterId ? [change.requesterId] : [])],
    },
    todo: { key: todoKey('change', change.id, 'vote_change') },
    card: { op: 'vote', changeId: change.id },
  });
}
