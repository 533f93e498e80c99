import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock, Role } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { enqueueJob } from '../../jobs/job.repository';
import * as repo from './notification.repository';
import type { CardTarget } from '../chat';

export type NotificationKind = repo.NotificationKind;
export { NOTIFICATION_KINDS } from './notification.repository';

export interface NotificationInput {
  kind: NotificationKind;
  title: { zh: string; en: string };
  body: { zh: string; en: string };
  /** e.g. '/releases/<id>': a path in the web app (made absolute with PUBLIC_URL outside it). */
  link?: string;
  releaseId?: string;
  /** Resolved to active users, deduplicated; `exceptUserIds` leaves some out (e.g. the actor). */
  audience: { roles?: readonly Role[]; userIds?: string[]; exceptUserIds?: string[] };
  /**
   * X-2 (decision 0018): the notice asks its recipients to do something — `key` names the thing
   * (todoKey()), open until it is done by anyone (todo.settle.ts). Recipients holding none of
   * `roles` (when given) are only informed. Without `todo` the notice is information: it goes to
   * the digest, not the bell.
   */
  todo?: { key: string; roles?: readonly Role[] };
  /** X-2: the decision a chat app's card offers as buttons (modules/chat); with `todo` only. */
  card?: CardTarget;
}

/** What a to-do is about: the object and the task, as the to-do list (modules/tasks) names them. */
export const todoKey = (object: 'release' | 'change' | 'dsl_version', id: string, task: string) =>
  `${object}:${id}:${task}`;

/** X-2: at most this many people are @-mentioned in one robot message. */
export const MENTION_LIMIT = 10;

/** The job that sends one e-mail or webhook delivery (notification.delivery.ts handles it). */
export const DELIVERY_JOB = 'notification.deliver';
export const deliveryJobKey = (deliveryId: string, round = 0) =>
  `notification.delivery:${deliveryId}${round > 0 ? `:${round}` : ''}`;

/** A user's choice for a kind and channel; without one, every channel is on. */
export const isEnabled = (prefs: Map<string, boolean>, userId: string, kind: string, channel: repo.Channel) =>
  prefs.get(`${userId}:${kind}:${channel}`) ?? true;

/**
 * X-2: in the caller's transaction, writes an in-app notification for each user of the audience
 * who wants them, and enqueues one delivery job per e-mail (users with an address who want e-mail)
 * and per webhook endpoint subscribed to the kind. Nothing is sent here: the jobs send after
 * commit, retried with backoff, so a rolled-back action notifies no one and a receiver that is
 * down misses nothing.
 */
export async function notify(trx: Kysely<Database>, clock: Clock, input: NotificationInput): Promise<void> {
  const at = clock.now().toISOString();
  const eventId = randomUUID();
  const except = new Set(input.audience.exceptUserIds ?? []);
  const users = (await repo.activeUsers(trx, input.audience)).filter((u) => !except.has(u.id));
  const prefs = await repo.preferencesOf(
    trx,
    users.map((u) => u.id),
  );
  const todo = input.todo;
  const doers = todo?.roles
    ? new Set((await repo.activeUsers(trx, { roles: todo.roles })).map((u) => u.id))
    : undefined;
  const isTodo = (userId: string) => !!todo && (!doers || doers.has(userId));
  const common = {
    eventId,
    kind: input.kind,
    title: { zh: input.title.zh, en: input.title.en },
    body: { zh: input.body.zh, en: input.body.en },
    link: input.link ?? null,
    releaseId: input.releaseId ?? null,
  };
  const inApp = users.filter((u) => isEnabled(prefs, u.id, input.kind, 'in_app'));
  // One notice per thing to do: a reminder of a to-do still open refreshes it.
  const refreshed = todo
    ? await repo.refreshOpenTodos(
        trx,
        todo.key,
        inApp.filter((u) => isTodo(u.id)).map((u) => u.id),
        common,
      )
    : new Set<string>();
  await repo.insertNotifications(
    trx,
    inApp
      .filter((u) => !refreshed.has(u.id))
      .map((u) => ({
        ...common,
        id: randomUUID(),
        userId: u.id,
        createdAt: at,
        readAt: null,
        category: isTodo(u.id) ? ('todo' as const) : ('info' as const),
        todoKey: isTodo(u.id) ? todo!.key : null,
        doneAt: null,
        doneBy: null,
      })),
  );
  // X-2: a robot message @-mentions whoever has the thing to do (a named few; past MENTION_LIMIT the
  // rest read it in the system).
  const mentionUserIds = todo
    ? users
        .filter((u) => isTodo(u.id))
        .map((u) => u.id)
        .slice(0, MENTION_LIMIT)
    : [];
  const message: repo.Message = {
    ...common,
    occurredAt: at,
    ...(mentionUserIds.length > 0 && { mentionUserIds }),
    ...(todo && input.card && { card: input.card }),
  };
  const base = {
    eventId,
    kind: input.kind,
    message,
    status: 'pending' as const,
    attempts: 0,
    lastError: null,
    lastErrorReason: null,
    responseCode: null,
    createdAt: at,
    updatedAt: at,
    deliveredAt: null,
  };
  const deliveries: repo.NewDelivery[] = [
    ...users
      // Information is e-mailed only to whom asked for it by name (decision 0018): the rest reads
      // it in the digest.
      .filter(
        (u) =>
          u.email &&
          (isTodo(u.id)
            ? isEnabled(prefs, u.id, input.kind, 'email')
            : prefs.get(`${u.id}:${input.kind}:email`) === true),
      )
      .map((u) => ({
        ...base,
        id: randomUUID(),
        channel: 'email' as const,
        endpointId: null,
        userId: u.id,
        recipient: u.email,
      })),
    ...(await repo.endpointIdsFor(trx, input.kind)).map((endpointId) => ({
      ...base,
      id: randomUUID(),
      channel: 'webhook' as const,
      endpointId,
      userId: null,
      recipient: null,
    })),
  ];
  await enqueueDeliveries(trx, deliveries, at);
}

/** Stores deliveries in order and enqueues a job for each, due at once. */
export async function enqueueDeliveries(
  trx: Kysely<Database>,
  deliveries: repo.NewDelivery[],
  dueAt: string,
): Promise<void> {
  await repo.insertDeliveries(trx, deliveries);
  for (const d of deliveries)
    await enqueueJob(trx, {
      kind: DELIVERY_JOB,
      key: deliveryJobKey(d.id),
      dueAt,
      payload: { deliveryId: d.id },
    });
}
