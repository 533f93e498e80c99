import { SecretBox } from '../../storage/secret-box';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Role } from '@releasegate/domain';
import { renderReason, type Reason } from '@releasegate/messages';
import type { Database } from '../../db/schema';
import {
  closePage,
  countRows,
  keysetPage,
  type KeyColumns,
  type KeysetPosition,
  type Page,
} from '../../db/keyset';
import type {
  NotificationDeliveriesTable,
  NotificationsTable,
  WebhookEndpointsTable,
} from './notifications.tables';
import type { Mention } from './webhook.formats';
import type { CardTarget } from '../chat';

/** The database, or a transaction on it. */
export type Queryable = Kysely<Database>;
type Q = Queryable;

export const NOTIFICATION_KINDS = [
  'approval_waiting',
  'deadline_near',
  'deadline_missed',
  'trigger_raised',
  'state_changed',
  'task_assigned',
  /** something the security administrators and auditors must look at (a break-glass sign-in). */
  'security_alert',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** the daily digest e-mail's kind, and its preference (channel email, on unless turned off). */
export const DIGEST_KIND = 'digest';

export const CHANNELS = ['in_app', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const WEBHOOK_FORMATS = ['generic', 'dingtalk', 'wecom', 'feishu', 'feishu_app', 'wecom_app'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];
/** formats that send interactive cards through a chat app's API, whose buttons call back. */
export const APP_FORMATS = ['feishu_app', 'wecom_app'] as const;
export type AppFormat = (typeof APP_FORMATS)[number];

/**
 * the ids a chat app endpoint sends with: Feishu's app_id and the group chat's chat_id;
 * WeCom's corp id and the app's agent id (its cards go to the people who must act).
 */
export interface AppSettings {
  appId?: string;
  chatId?: string;
  corpId?: string;
  agentId?: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'skipped' | 'cancelled';

export interface Bilingual {
  zh: string;
  en: string;
}

export interface Notification {
  id: string;
  eventId: string;
  userId: string;
  kind: NotificationKind;
  title: Bilingual;
  body: Bilingual;
  link: string | null;
  releaseId: string | null;
  createdAt: string;
  readAt: string | null;
  /** X-2 (decision 0018): something to do, or information for the digest. */
  category: NotificationCategory;
  todoKey: string | null;
  doneAt: string | null;
  doneBy: string | null;
}

export const NOTIFICATION_CATEGORIES = ['todo', 'info'] as const;
export type NotificationCategory = (typeof NOTIFICATION_CATEGORIES)[number];

/** What an e-mail or webhook delivery sends (the notify() input, resolved). */
export interface Message {
  eventId: string;
  /** A notification kind, 'test' for an endpoint test, 'digest' for the daily digest e-mail. */
  kind: NotificationKind | 'test' | typeof DIGEST_KIND;
  title: Bilingual;
  body: Bilingual;
  link: string | null;
  releaseId: string | null;
  occurredAt: string;
  /**
   * the users the notice asks to act (a to-do's holders), whom a robot message @-mentions by
   * the phone or chat identity on their account, read when it is sent. Absent: nobody.
   */
  mentionUserIds?: string[];
  /**
   * the decision the notice asks for, which a chat app's card offers as buttons (回退/继续,
   * 批准/驳回) that call back. Absent: the card has none.
   */
  card?: CardTarget;
}

export interface Delivery {
  seq: number;
  id: string;
  eventId: string;
  channel: 'email' | 'webhook';
  endpointId: string | null;
  userId: string | null;
  recipient: string | null;
  kind: string;
  message: Message;
  status: DeliveryStatus;
  attempts: number;
  /** Why the last attempt failed, in English (the English of `lastErrorReason`, or an e-mail error's detail). */
  lastError: string | null;
  /** Why the last attempt failed, as a catalog reason; null on success and for older records. */
  lastErrorReason: Reason | null;
  responseCode: number | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

export interface WebhookEndpoint {
  id: string;
  name: string;
  format: WebhookFormat;
  url: string;
  secret: string | null;
  /** the chat app's ids, for feishu_app and wecom_app; null otherwise. */
  app: AppSettings | null;
  /** the keyword every message to this robot carries (its "custom keywords" security); null: none. */
  keyword: string | null;
  kinds: NotificationKind[];
  enabled: boolean;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const toNotification = (r: Selectable<NotificationsTable>): Notification => ({
  id: r.id,
  eventId: r.event_id,
  userId: r.user_id,
  kind: r.kind as NotificationKind,
  title: { zh: r.title_zh, en: r.title_en },
  body: { zh: r.body_zh, en: r.body_en },
  link: r.link,
  releaseId: r.release_id,
  createdAt: r.created_at,
  readAt: r.read_at,
  category: r.category === 'todo' ? 'todo' : 'info',
  todoKey: r.todo_key,
  doneAt: r.done_at,
  doneBy: r.done_by,
});

const toDelivery = (r: Selectable<NotificationDeliveriesTable>): Delivery => ({
  seq: Number(r.seq),
  id: r.id,
  eventId: r.event_id,
  channel: r.channel as Delivery['channel'],
  endpointId: r.endpoint_id,
  userId: r.user_id,
  recipient: r.recipient,
  kind: r.kind,
  message: JSON.parse(r.message) as Message,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  lastError: r.last_error,
  lastErrorReason: r.last_error_reason === null ? null : (JSON.parse(r.last_error_reason) as Reason),
  responseCode: r.response_code,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  deliveredAt: r.delivered_at,
});

/** URL (robot tokens) and secret are stored sealed; everything else in clear. */
const toEndpoint = (r: Selectable<WebhookEndpointsTable>, box: SecretBox): WebhookEndpoint => ({
  id: r.id,
  name: r.name,
  format: r.format as WebhookFormat,
  url: box.open(r.url),
  secret: r.secret === null ? null : box.open(r.secret),
  app: r.app_settings ? (JSON.parse(r.app_settings) as AppSettings) : null,
  keyword: r.keyword,
  kinds: JSON.parse(r.kinds) as NotificationKind[],
  enabled: !!r.enabled,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

// --- audience and preferences ---

export interface Recipient {
  id: string;
  email: string | null;
}

/** Active users holding any of the roles or named by id, each once. */
export async function activeUsers(
  q: Q,
  audience: { roles?: readonly Role[]; userIds?: readonly string[] },
): Promise<Recipient[]> {
  const roles = [...new Set(audience.roles ?? [])];
  const ids = [...new Set(audience.userIds ?? [])];
  if (roles.length === 0 && ids.length === 0) return [];
  const rows = await q
    .selectFrom('users')
    .select(['users.id', 'users.email'])
    .where('users.disabled', '=', 0)
    .where((eb) =>
      eb.or([
        ...(ids.length > 0 ? [eb('users.id', 'in', ids)] : []),
        ...(roles.length > 0
          ? [
              eb(
                'users.id',
                'in',
                eb
                  .selectFrom('user_roles')
                  .select('user_roles.user_id')
                  .where('user_roles.role', 'in', roles),
              ),
            ]
          : []),
      ]),
    )
    .orderBy('users.id')
    .execute();
  return rows;
}

/** Channel switches a user turned off or on, as `kind:channel` → enabled (absent: the default). */
export async function preferencesOf(q: Q, userIds: readonly string[]): Promise<Map<string, boolean>> {
  if (userIds.length === 0) return new Map();
  const rows = await q
    .selectFrom('notification_preferences')
    .select(['user_id', 'kind', 'channel', 'enabled'])
    .where('user_id', 'in', [...userIds])
    .execute();
  return new Map(rows.map((r) => [`${r.user_id}:${r.kind}:${r.channel}`, !!r.enabled]));
}

export async function upsertPreference(
  q: Q,
  p: {
    userId: string;
    kind: NotificationKind | typeof DIGEST_KIND;
    channel: Channel;
    enabled: boolean;
    at: string;
  },
): Promise<void> {
  await q
    .insertInto('notification_preferences')
    .values({
      user_id: p.userId,
      kind: p.kind,
      channel: p.channel,
      enabled: p.enabled ? 1 : 0,
      updated_at: p.at,
    })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'kind', 'channel'])
        .doUpdateSet({ enabled: p.enabled ? 1 : 0, updated_at: p.at }),
    )
    .execute();
}

export async function emailOf(q: Q, userId: string): Promise<string | null> {
  const row = await q.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst();
  return row?.email ?? null;
}

// --- in-app notifications ---

export async function insertNotifications(q: Q, rows: Notification[]): Promise<void> {
  if (rows.length === 0) return;
  await q
    .insertInto('notifications')
    .values(
      rows.map((n) => ({
        id: n.id,
        event_id: n.eventId,
        user_id: n.userId,
        kind: n.kind,
        title_zh: n.title.zh,
        title_en: n.title.en,
        body_zh: n.body.zh,
        body_en: n.body.en,
        link: n.link,
        release_id: n.releaseId,
        created_at: n.createdAt,
        read_at: n.readAt,
        category: n.category,
        todo_key: n.todoKey,
        done_at: n.doneAt,
        done_by: n.doneBy,
      })),
    )
    .execute();
}

export interface NotificationFilter {
  unreadOnly: boolean;
  /** Only to-dos, or only information; both when absent. */
  category?: NotificationCategory;
  /** To-dos still open (not done by anyone). */
  openOnly?: boolean;
}

/** The inbox's one order: open to-dos first, then by time (newest first unless asked), ties by id. */
export const NOTIFICATION_SORTS = ['createdAt'] as const;
const openFirst = sql<number>`case when done_at is null then 1 else 0 end`;
export const notificationKeys = (): KeyColumns => ({
  lead: { column: 'open_first', kind: 'number', expression: openFirst },
  value: { column: 'created_at', kind: 'text' },
  tie: { column: 'id', kind: 'text' },
});

/** One page of the user's notifications matching the filter, in the position's order (keyset). */
export async function pageNotifications(
  q: Q,
  userId: string,
  f: NotificationFilter,
  position: KeysetPosition,
): Promise<Page<Notification>> {
  let query = q
    .selectFrom('notifications')
    .selectAll()
    .select(openFirst.as('open_first'))
    .where('user_id', '=', userId);
  if (f.unreadOnly) query = query.where('read_at', 'is', null);
  if (f.category) query = query.where('category', '=', f.category);
  if (f.openOnly) query = query.where('done_at', 'is', null);
  const rows = await keysetPage(query, position).execute();
  return closePage(rows, position, (kept) => kept.map(toNotification));
}

export async function countUnread(q: Q, userId: string): Promise<number> {
  const row = await q
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** the bell's count — the user's to-dos still open (read or not: reading does not do them). */
export async function countOpenTodos(q: Q, userId: string): Promise<number> {
  const row = await q
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('category', '=', 'todo')
    .where('done_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Unread information (the digest's count). */
export async function countUnreadInfo(q: Q, userId: string): Promise<number> {
  const row = await q
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('category', '=', 'info')
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The keys of a user's open to-dos, or of everyone's when no user is given, with the oldest notice time. */
export async function openTodoKeys(q: Q, userId?: string): Promise<{ key: string; since: string }[]> {
  const rows = await q
    .selectFrom('notifications')
    .select((eb) => ['todo_key', eb.fn.min('created_at').as('since')])
    .where('category', '=', 'todo')
    .where('done_at', 'is', null)
    .where('todo_key', 'is not', null)
    .$if(userId !== undefined, (qb) => qb.where('user_id', '=', userId!))
    .groupBy('todo_key')
    .execute();
  return rows.map((r) => ({ key: r.todo_key!, since: String(r.since) }));
}

/** The users who hold an open to-do of the key. */
export async function openTodoHolders(q: Q, key: string): Promise<string[]> {
  const rows = await q
    .selectFrom('notifications')
    .select('user_id')
    .where('category', '=', 'todo')
    .where('todo_key', '=', key)
    .where('done_at', 'is', null)
    .execute();
  return rows.map((r) => r.user_id);
}

/**
 * A to-do arriving for a thing its recipient already has open (a reminder, an escalation) refreshes
 * that notice rather than adding one: one notice per thing to do. Returns the users refreshed.
 */
export async function refreshOpenTodos(
  q: Q,
  key: string,
  userIds: readonly string[],
  n: Pick<Notification, 'kind' | 'title' | 'body' | 'eventId'>,
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const open = await q
    .selectFrom('notifications')
    .select('user_id')
    .where('category', '=', 'todo')
    .where('todo_key', '=', key)
    .where('done_at', 'is', null)
    .where('user_id', 'in', [...userIds])
    .execute();
  const users = new Set(open.map((r) => r.user_id));
  if (users.size > 0)
    await q
      .updateTable('notifications')
      .set({
        kind: n.kind,
        event_id: n.eventId,
        title_zh: n.title.zh,
        title_en: n.title.en,
        body_zh: n.body.zh,
        body_en: n.body.en,
        read_at: null,
      })
      .where('category', '=', 'todo')
      .where('todo_key', '=', key)
      .where('done_at', 'is', null)
      .where('user_id', 'in', [...users])
      .execute();
  return users;
}

/** Marks the open to-dos of the key done, for the given users or for everyone. */
export async function markTodosDone(
  q: Q,
  key: string,
  done: { at: string; by: string | null },
  userIds?: readonly string[],
): Promise<number> {
  if (userIds && userIds.length === 0) return 0;
  const result = await q
    .updateTable('notifications')
    .set({ done_at: done.at, done_by: done.by })
    .where('category', '=', 'todo')
    .where('todo_key', '=', key)
    .where('done_at', 'is', null)
    .$if(userIds !== undefined, (qb) => qb.where('user_id', 'in', [...userIds!]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks the user's notification read (the id of another user's is not found). */
export async function markRead(
  q: Q,
  userId: string,
  id: string,
  at: string,
): Promise<Notification | undefined> {
  const row = await q
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.read_at === null)
    await q.updateTable('notifications').set({ read_at: at }).where('id', '=', id).execute();
  return toNotification({ ...row, read_at: row.read_at ?? at });
}

export async function markAllRead(
  q: Q,
  userId: string,
  at: string,
  category?: NotificationCategory,
): Promise<number> {
  const result = await q
    .updateTable('notifications')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .$if(category !== undefined, (qb) => qb.where('category', '=', category!))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// --- webhook endpoints ---

export async function listEndpoints(q: Q, box: SecretBox): Promise<WebhookEndpoint[]> {
  const rows = await q.selectFrom('webhook_endpoints').selectAll().orderBy('name').execute();
  return rows.map((r) => toEndpoint(r, box));
}

export async function findEndpoint(q: Q, id: string, box: SecretBox): Promise<WebhookEndpoint | undefined> {
  const row = await q.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toEndpoint(row, box);
}

export async function endpointNameTaken(q: Q, name: string, exceptId?: string): Promise<boolean> {
  const row = await q
    .selectFrom('webhook_endpoints')
    .select('id')
    .where('name', '=', name)
    .$if(exceptId !== undefined, (qb) => qb.where('id', '!=', exceptId!))
    .executeTakeFirst();
  return row !== undefined;
}

/** Each endpoint's name by id (no secret needs opening for that). */
export async function endpointNames(q: Q): Promise<Map<string, string>> {
  const rows = await q.selectFrom('webhook_endpoints').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The ids of the enabled endpoints subscribed to the kind (no secret needs opening for that). */
export async function endpointIdsFor(q: Q, kind: NotificationKind): Promise<string[]> {
  const rows = await q
    .selectFrom('webhook_endpoints')
    .select(['id', 'kinds'])
    .where('enabled', '=', 1)
    .execute();
  return rows.filter((r) => (JSON.parse(r.kinds) as string[]).includes(kind)).map((r) => r.id);
}

/** Rows written before secrets were sealed, sealed now (once, at start). */
export async function sealLegacyEndpoints(q: Q, box: SecretBox): Promise<number> {
  const rows = await q.selectFrom('webhook_endpoints').select(['id', 'url', 'secret']).execute();
  const legacy = rows.filter(
    (r) => !SecretBox.isSealed(r.url) || (r.secret !== null && !SecretBox.isSealed(r.secret)),
  );
  for (const r of legacy)
    await q
      .updateTable('webhook_endpoints')
      .set({
        url: box.seal(box.open(r.url)),
        secret: r.secret === null ? null : box.seal(box.open(r.secret)),
      })
      .where('id', '=', r.id)
      .execute();
  return legacy.length;
}

const endpointRow = (e: WebhookEndpoint, box: SecretBox) => ({
  id: e.id,
  name: e.name,
  format: e.format,
  url: box.seal(e.url),
  secret: e.secret === null ? null : box.seal(e.secret),
  app_settings: e.app === null ? null : JSON.stringify(e.app),
  keyword: e.keyword,
  kinds: JSON.stringify(e.kinds),
  enabled: e.enabled ? 1 : 0,
  created_by: e.createdBy,
  created_at: e.createdAt,
  updated_at: e.updatedAt,
});

export async function insertEndpoint(q: Q, e: WebhookEndpoint, box: SecretBox): Promise<void> {
  await q.insertInto('webhook_endpoints').values(endpointRow(e, box)).execute();
}

export async function updateEndpoint(q: Q, e: WebhookEndpoint, box: SecretBox): Promise<void> {
  const { id, created_at: _c, created_by: _b, ...rest } = endpointRow(e, box);
  await q.updateTable('webhook_endpoints').set(rest).where('id', '=', id).execute();
}

export async function deleteEndpoint(q: Q, id: string): Promise<void> {
  await q.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
}

// --- deliveries ---

export type NewDelivery = Omit<Delivery, 'seq'>;

/** Inserts deliveries in the given order (their seq is the order of enqueue). */
export async function insertDeliveries(q: Q, deliveries: NewDelivery[]): Promise<void> {
  for (const d of deliveries)
    await q
      .insertInto('notification_deliveries')
      .values({
        id: d.id,
        event_id: d.eventId,
        channel: d.channel,
        endpoint_id: d.endpointId,
        user_id: d.userId,
        recipient: d.recipient,
        kind: d.kind,
        message: JSON.stringify(d.message),
        status: d.status,
        attempts: d.attempts,
        last_error: d.lastError,
        last_error_reason: d.lastErrorReason === null ? null : JSON.stringify(d.lastErrorReason),
        response_code: d.responseCode,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
        delivered_at: d.deliveredAt,
      })
      .execute();
}

export async function findDelivery(q: Q, id: string): Promise<Delivery | undefined> {
  const row = await q
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toDelivery(row);
}

/**
 * The nearest delivery to the endpoint still pending before `seq` (the oldest: it must go first)
 * or after it (the next in line).
 */
export async function pendingBeside(
  q: Q,
  endpointId: string,
  seq: number,
  side: 'before' | 'after',
): Promise<Delivery | undefined> {
  const row = await q
    .selectFrom('notification_deliveries')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .where('seq', side === 'before' ? '<' : '>', seq)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return row && toDelivery(row);
}

/** Records an attempt's outcome; a final status only moves a pending delivery. */
export async function recordAttempt(
  q: Q,
  id: string,
  a: {
    status: DeliveryStatus;
    attempts: number;
    at: string;
    lastError: string | null;
    lastErrorReason: Reason | null;
    responseCode: number | null;
  },
): Promise<void> {
  await q
    .updateTable('notification_deliveries')
    .set({
      status: a.status,
      attempts: a.attempts,
      last_error: a.lastError,
      last_error_reason: a.lastErrorReason === null ? null : JSON.stringify(a.lastErrorReason),
      response_code: a.responseCode,
      updated_at: a.at,
      ...(a.status === 'delivered' && { delivered_at: a.at }),
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** why a delivery was cancelled when its endpoint was deleted. */
export const ENDPOINT_DELETED: Reason = { code: 'delivery_endpoint_deleted', params: {} };

export async function cancelPendingDeliveries(q: Q, endpointId: string, at: string): Promise<number> {
  const result = await q
    .updateTable('notification_deliveries')
    .set({
      status: 'cancelled',
      updated_at: at,
      last_error: renderReason('en', ENDPOINT_DELETED),
      last_error_reason: JSON.stringify(ENDPOINT_DELETED),
    })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  endpointId?: string;
  channel?: 'email' | 'webhook';
}

/** Deliveries in the order they were queued (seq, unique): newest first unless asked. */
export const DELIVERY_SORTS = ['seq'] as const;
export const deliveryKeys = (): KeyColumns => ({
  value: { column: 'seq', kind: 'number' },
  tie: { column: 'seq', kind: 'number' },
});

function filteredDeliveries(q: Q, f: DeliveryFilter) {
  let query = q.selectFrom('notification_deliveries');
  if (f.status) query = query.where('status', '=', f.status);
  if (f.endpointId) query = query.where('endpoint_id', '=', f.endpointId);
  if (f.channel) query = query.where('channel', '=', f.channel);
  return query;
}

/** One page of the deliveries matching the filter, in the position's order (keyset on seq). */
export async function pageDeliveries(
  q: Q,
  f: DeliveryFilter,
  position: KeysetPosition,
): Promise<Page<Delivery>> {
  const rows = await keysetPage(filteredDeliveries(q, f).selectAll(), position).execute();
  return closePage(rows, position, (kept) => kept.map(toDelivery));
}

/** How many deliveries match the filter. */
export const countDeliveries = (q: Q, f: DeliveryFilter): Promise<number> =>
  countRows(filteredDeliveries(q, f));

/** Back to pending, for another round of attempts (an administrator's retry of a failed one). */
export async function reopenDelivery(q: Q, id: string, at: string): Promise<void> {
  await q
    .updateTable('notification_deliveries')
    .set({ status: 'pending', updated_at: at })
    .where('id', '=', id)
    .execute();
}

/**
 * the unread information (not to-dos) of active users with an e-mail address, created in
 * [since, until), oldest first: what the daily digest summarises.
 */
export async function unreadInformation(q: Q, window: { since: string; until: string }) {
  return q
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.user_id')
    .select([
      'notifications.user_id',
      'users.email',
      'notifications.title_zh',
      'notifications.title_en',
      'notifications.created_at',
    ])
    .where('notifications.category', '=', 'info')
    .where('notifications.read_at', 'is', null)
    .where('notifications.created_at', '>=', window.since)
    .where('notifications.created_at', '<', window.until)
    .where('users.disabled', '=', 0)
    .where('users.email', 'is not', null)
    .orderBy('notifications.user_id')
    .orderBy('notifications.created_at')
    .execute();
}

// --- robots: whom a message @-mentions, and the send log behind the rate limits (X-2) ---

/** The people a robot message @-mentions, in the order given; a user id no longer found is left out. */
export async function mentionsOf(q: Q, userIds: readonly string[]): Promise<Mention[]> {
  if (userIds.length === 0) return [];
  const rows = await q
    .selectFrom('users')
    .select(['id', 'display_name', 'mobile_phone', 'dingtalk_user_id', 'wecom_user_id', 'feishu_user_id'])
    .where('id', 'in', [...userIds])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  return userIds.flatMap((id) => {
    const r = byId.get(id);
    return r
      ? [
          {
            name: r.display_name,
            phone: r.mobile_phone,
            dingtalkUserId: r.dingtalk_user_id,
            wecomUserId: r.wecom_user_id,
            feishuUserId: r.feishu_user_id,
          },
        ]
      : [];
  });
}

/**
 * Takes the endpoint's row lock for the rest of the transaction (a no-op write: PostgreSQL locks
 * the row; SQLite transactions already begin IMMEDIATE), so every node counts and records its
 * sends to one robot one after the other. False: the endpoint is gone.
 */
export async function lockEndpointRow(q: Q, id: string): Promise<boolean> {
  const r = await q
    .updateTable('webhook_endpoints')
    .set((eb) => ({ enabled: eb.ref('enabled') }))
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** When messages were sent to the endpoint after `since`, oldest first (epoch milliseconds). */
export async function sendsSince(q: Q, endpointId: string, since: string): Promise<number[]> {
  const rows = await q
    .selectFrom('webhook_sends')
    .select('sent_at')
    .where('endpoint_id', '=', endpointId)
    .where('sent_at', '>', since)
    .orderBy('sent_at')
    .execute();
  return rows.map((r) => Date.parse(r.sent_at));
}

/** Records a send (and forgets the endpoint's sends older than any window still counted). */
export async function recordSend(
  q: Q,
  send: { id: string; endpointId: string; deliveryId: string | null; sentAt: string },
  forgetBefore: string,
): Promise<void> {
  await q
    .deleteFrom('webhook_sends')
    .where('endpoint_id', '=', send.endpointId)
    .where('sent_at', '<', forgetBefore)
    .execute();
  await q
    .insertInto('webhook_sends')
    .values({ id: send.id, endpoint_id: send.endpointId, delivery_id: send.deliveryId, sent_at: send.sentAt })
    .execute();
}

/** an attempt to an endpoint that did not get through, as the webhook page lists it. */
export interface RecentFailure {
  deliveryId: string;
  at: string;
  status: DeliveryStatus;
  responseCode: number | null;
  lastError: string;
  lastErrorReason: Reason | null;
}

/** Per endpoint, its newest deliveries whose last attempt failed (at most `each`), newest first. */
export async function recentFailures(
  q: Q,
  endpointIds: readonly string[],
  each: number,
): Promise<Map<string, RecentFailure[]>> {
  const map = new Map<string, RecentFailure[]>();
  for (const endpointId of endpointIds) {
    const rows = await q
      .selectFrom('notification_deliveries')
      .selectAll()
      .where('endpoint_id', '=', endpointId)
      .where('last_error', 'is not', null)
      .orderBy('seq', 'desc')
      .limit(each)
      .execute();
    map.set(
      endpointId,
      rows.map(toDelivery).map((d) => ({
        deliveryId: d.id,
        at: d.updatedAt,
        status: d.status,
        responseCode: d.responseCode,
        lastError: d.lastError!,
        lastErrorReason: d.lastErrorReason,
      })),
    );
  }
  return map;
}
