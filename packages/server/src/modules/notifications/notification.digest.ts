import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import { enqueueJob } from '../../jobs/job.repository';
import type { JobHandler } from '../../jobs/job.runner';
import * as repo from './notification.repository';
import { enqueueDeliveries } from './notify';

/** X-2 (decision 0018): the daily e-mail that summarises the day's unread information. */
export const DIGEST_JOB = 'notification.digest';

/** Lines a digest lists before it says how many more there are. */
const DIGEST_LINES = 30;
/** Documents and notices say Beijing time; the digest goes out at an hour of that day. */
const BEIJING_MS = 8 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** The first moment after `now` at `hour` o'clock, Beijing time. */
export function nextDigestAt(now: Date, hour: number): Date {
  const local = new Date(now.getTime() + BEIJING_MS);
  const today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour) - BEIJING_MS;
  return new Date(today > now.getTime() ? today : today + DAY_MS);
}

const beijingTime = (iso: string) => new Date(Date.parse(iso) + BEIJING_MS).toISOString().slice(11, 16);

/**
 * Each user with an address who did not turn the digest off receives one e-mail listing what they
 * have not read of the information of the 24 hours before `until`. It is queued as an ordinary
 * e-mail delivery (retried, visible on the delivery page), in the caller's transaction.
 */
export async function queueDigests(trx: Kysely<Database>, until: string): Promise<number> {
  const since = new Date(Date.parse(until) - DAY_MS).toISOString();
  const rows = await repo.unreadInformation(trx, { since, until });
  const byUser = new Map<string, typeof rows>();
  for (const r of rows) byUser.set(r.user_id, [...(byUser.get(r.user_id) ?? []), r]);
  const prefs = await repo.preferencesOf(trx, [...byUser.keys()]);
  const deliveries: repo.NewDelivery[] = [];
  for (const [userId, items] of byUser) {
    if (prefs.get(`${userId}:${repo.DIGEST_KIND}:email`) === false) continue;
    const listed = items.slice(-DIGEST_LINES);
    const more = items.length - listed.length;
    const lines = (lang: 'zh' | 'en') => [
      ...listed.map((i) => `${beijingTime(i.created_at)}  ${lang === 'zh' ? i.title_zh : i.title_en}`),
      ...(more > 0 ? [lang === 'zh' ? `……另有 ${more} 条较早的动态` : `… and ${more} earlier updates`] : []),
    ];
    const eventId = randomUUID();
    deliveries.push({
      id: randomUUID(),
      eventId,
      channel: 'email',
      endpointId: null,
      userId,
      recipient: items[0].email,
      kind: repo.DIGEST_KIND,
      message: {
        eventId,
        kind: repo.DIGEST_KIND,
        title: {
          zh: `动态摘要：过去 24 小时 ${items.length} 条未读动态`,
          en: `Digest: ${items.length} unread updates in the last 24 hours`,
        },
        body: {
          zh: `以下动态您尚未阅读（北京时间）：\n${lines('zh').join('\n')}`,
          en: `Updates you have not read (Beijing time):\n${lines('en').join('\n')}`,
        },
        link: '/',
        releaseId: null,
        occurredAt: until,
      },
      status: 'pending',
      attempts: 0,
      lastError: null,
      lastErrorReason: null,
      responseCode: null,
      createdAt: until,
      updatedAt: until,
      deliveredAt: null,
    });
  }
  await enqueueDeliveries(trx, deliveries, until);
  return deliveries.length;
}

/**
 * the digest once a day at `hour` (Beijing time), run by one node (the job is leased, one per
 * day by its key) in one transaction with the next day's job; none when `hour` is null.
 */
export function digestSchedule(deps: { db: Db; clock: Clock }, hour: number | null) {
  const enqueue = (q: Kysely<Database>, dueAt: Date) =>
    enqueueJob(q, {
      kind: DIGEST_JOB,
      key: `${DIGEST_JOB}:${dueAt.toISOString()}`,
      dueAt: dueAt.toISOString(),
      payload: {},
    });
  return {
    start: async () => {
      if (hour !== null) await enqueue(deps.db.kysely, nextDigestAt(deps.clock.now(), hour));
    },
    handler: {
      inTransaction: async (trx, job) => {
        await queueDigests(trx, job.dueAt);
        if (hour !== null) await enqueue(trx, nextDigestAt(new Date(Date.parse(job.dueAt)), hour));
      },
    } satisfies JobHandler,
  };
}
