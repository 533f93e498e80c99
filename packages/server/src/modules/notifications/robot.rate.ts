import { randomUUID } from 'node:crypto';
import type { Clock } from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { JobDeferred } from '../../jobs/job.runner';
import * as repo from './notification.repository';

/** At most `max` messages in any `windowMs` (a sliding window). */
export interface RateRule {
  max: number;
  windowMs: number;
}

export type RobotRateLimits = Readonly<
  Record<'dingtalk' | 'wecom' | 'feishu' | 'feishu_app' | 'wecom_app', readonly RateRule[]>
>;

/**
 * X-2: each vendor's published limit per robot (docs/notifications.md names the documents):
 * DingTalk 20 messages a minute; WeCom 20 a minute; Feishu 100 a minute and 5 a second; the chat
 * apps' cards as their vendor's robots. The generic format has none.
 */
export const ROBOT_RATE_LIMITS: RobotRateLimits = {
  dingtalk: [{ max: 20, windowMs: 60_000 }],
  wecom: [{ max: 20, windowMs: 60_000 }],
  feishu: [
    { max: 100, windowMs: 60_000 },
    { max: 5, windowMs: 1_000 },
  ],
  // The apps' APIs allow more; kept at the robots' figures (not verified: docs/notifications.md).
  feishu_app: [
    { max: 100, windowMs: 60_000 },
    { max: 5, windowMs: 1_000 },
  ],
  wecom_app: [{ max: 20, windowMs: 60_000 }],
};

/**
 * Each window is counted a twentieth longer than the vendor's (3 s on a minute, 50 ms on a second):
 * a message is counted when it leaves, and the vendor counts it when it arrives, a little later
 * and not always equally late.
 */
export const windowWithMargin = (rule: RateRule) => rule.windowMs + Math.ceil(rule.windowMs / 20);

/**
 * When the next message may leave, given the times earlier ones left (ascending, ms) and now:
 * `now` when every rule has room, else the moment the oldest message counted against the fullest
 * rule leaves its window.
 */
export function nextSlot(sent: readonly number[], now: number, rules: readonly RateRule[]): number {
  let at = now;
  for (const rule of rules) {
    const w = windowWithMargin(rule);
    const inWindow = sent.filter((t) => t > now - w);
    if (inWindow.length >= rule.max) at = Math.max(at, inWindow[inWindow.length - rule.max] + w);
  }
  return at;
}

/**
 * takes a place in the robot's rate limit for one message, in a transaction that holds the
 * endpoint's row lock, so two nodes never both take the last place; throws JobDeferred (the
 * delivery waits, nothing is dropped) while the robot's windows are full.
 */
export async function claimSendSlot(
  db: Kysely<Database>,
  clock: Clock,
  limits: RobotRateLimits,
  endpoint: { id: string; format: repo.WebhookFormat },
  deliveryId: string | null,
): Promise<void> {
  if (endpoint.format === 'generic') return;
  const rules = limits[endpoint.format];
  if (rules.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await repo.lockEndpointRow(trx, endpoint.id);
    // Read the time after the lock: a node that waited for it must not count from before.
    const now = clock.now().getTime();
    const longest = Math.max(...rules.map(windowWithMargin));
    const since = new Date(now - longest).toISOString();
    const sent = await repo.sendsSince(trx, endpoint.id, since);
    const at = nextSlot(sent, now, rules);
    if (at > now)
      throw new JobDeferred(
        new Date(at),
        `the ${endpoint.format} robot's rate limit is reached until ${new Date(at).toISOString()}`,
      );
    await repo.recordSend(
      trx,
      { id: randomUUID(), endpointId: endpoint.id, deliveryId, sentAt: new Date(now).toISOString() },
      since,
    );
  });
}
