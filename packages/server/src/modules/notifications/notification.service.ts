import { RULES, FIELDS, type Reason } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import { invalidFields, notFound, refused, type Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { RequestContext } from '../../context';
import { enqueueJob } from '../../jobs/job.repository';
import { OUTBOUND_RULE, type OutboundPolicy } from '../../outbound/outbound-policy';
import type { SecretBox } from '../../storage/secret-box';
import { redactUrl, showsRedaction } from '../../outbound/redact-url';
import { recordStandalone, type AuditAction, type AuditWriter } from '../audit';
import { authorize, requirePrincipal } from '../../authorize';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import { DeliveryError, sendWebhook, type DeliveryErrorClass } from './notification.delivery';
import { claimSendSlot, ROBOT_RATE_LIMITS } from './robot.rate';
import { JobDeferred } from '../../jobs/job.runner';
import type { AppTokens } from './app.cards';
import * as repo from './notification.repository';
import { DELIVERY_JOB, deliveryJobKey, isEnabled } from './notify';
import { settleTodos } from './todo.settle';

export interface NotificationDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  publicUrl: string;
  /** Whether e-mail is sent at all (SMTP_URL set). */
  emailAvailable: boolean;
  /** which webhook targets may be saved and called (OUTBOUND_ALLOW). */
  outbound: OutboundPolicy;
  /** robot tokens in URLs and signing secrets are stored sealed with it. */
  secrets: SecretBox;
  /** X-2: the chat apps' access tokens, shared with the delivery jobs. */
  appTokens: AppTokens;
  timeoutMs?: number;
}

// --- the signed-in user's own notifications (no permission beyond being signed in) ---

/** A page of the user's notifications (keyset), with the bell's counts. */
export async function listMyNotifications(
  deps: NotificationDeps,
  ctx: RequestContext,
  f: repo.NotificationFilter,
  page: PageRequest<(typeof repo.NOTIFICATION_SORTS)[number]>,
): Promise<Page<repo.Notification> & { unread: number; todo: number; info: number }> {
  const { userId } = requirePrincipal(ctx);
  const position = openPage(page, f, repo.notificationKeys());
  const q = deps.db.kysely;
  // X-2 (decision 0018): what was done since, by anyone, stops counting before the bell counts.
  await q.transaction().execute((trx) => settleTodos(trx, deps.clock.now().toISOString(), userId));
  const todo = await repo.countOpenTodos(q, userId);
  return {
    ...(await repo.pageNotifications(q, userId, f, position)),
    unread: todo,
    todo,
    info: await repo.countUnreadInfo(q, userId),
  };
}

/** Marking read is the user's own state, not an action on the release: it is not audited. */
export async function markNotificationRead(
  deps: NotificationDeps,
  ctx: RequestContext,
  id: string,
): Promise<repo.Notification> {
  const { userId } = requirePrincipal(ctx);
  const read = await repo.markRead(deps.db.kysely, userId, id, deps.clock.now().toISOString());
  if (!read) throw notFound('notification', id);
  return read;
}

export async function markAllNotificationsRead(
  deps: NotificationDeps,
  ctx: RequestContext,
  category?: repo.NotificationCategory,
): Promise<number> {
  const { userId } = requirePrincipal(ctx);
  return repo.markAllRead(deps.db.kysely, userId, deps.clock.now().toISOString(), category);
}

export interface Preferences {
  email: string | null;
  emailAvailable: boolean;
  kinds: { kind: repo.NotificationKind; inApp: boolean; email: boolean }[];
  /** the daily digest e-mail of unread information (on unless turned off). */
  digest: boolean;
}

async function preferencesFor(
  q: repo.Queryable,
  userId: string,
  emailAvailable: boolean,
): Promise<Preferences> {
  const prefs = await repo.preferencesOf(q, [userId]);
  return {
    email: await repo.emailOf(q, userId),
    emailAvailable,
    kinds: repo.NOTIFICATION_KINDS.map((kind) => ({
      kind,
      inApp: isEnabled(prefs, userId, kind, 'in_app'),
      email: isEnabled(prefs, userId, kind, 'email'),
    })),
    digest: isEnabled(prefs, userId, repo.DIGEST_KIND, 'email'),
  };
}

export async function getMyPreferences(deps: NotificationDeps, ctx: RequestContext): Promise<Preferences> {
  const { userId } = requirePrincipal(ctx);
  return preferencesFor(deps.db.kysely, userId, deps.emailAvailable);
}

/** X-2 per-user preferences: which kinds arrive in the app and by e-mail. Audited. */
export async function updateMyPreferences(
  deps: NotificationDeps,
  ctx: RequestContext,
  input: { kinds: { kind: repo.NotificationKind; inApp: boolean; email: boolean }[]; digest?: boolean },
): Promise<Preferences> {
  const { userId } = requirePrincipal(ctx);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await preferencesFor(trx, userId, deps.emailAvailable);
    const at = deps.clock.now().toISOString();
    for (const p of input.kinds) {
      await repo.upsertPreference(trx, { userId, kind: p.kind, channel: 'in_app', enabled: p.inApp, at });
      await repo.upsertPreference(trx, { userId, kind: p.kind, channel: 'email', enabled: p.email, at });
    }
    if (input.digest !== undefined)
      await repo.upsertPreference(trx, {
        userId,
        kind: repo.DIGEST_KIND,
        channel: 'email',
        enabled: input.digest,
        at,
      });
    const after = await preferencesFor(trx, userId, deps.emailAvailable);
    await deps.audit.record(trx, ctx, {
      action: 'notification.preferences_update',
      entityType: 'user',
      entityId: userId,
      before: { kinds: before.kinds, digest: before.digest },
      after: { kinds: after.kinds, digest: after.digest },
    });
    return after;
  });
}

// --- webhook endpoints (the system administrator) ---

export type EndpointView = Omit<repo.WebhookEndpoint, 'secret'> & { hasSecret: boolean };
/** An endpoint as shown: never the secret, and the URL's credentials (robot tokens) as `***`. */
const view = ({ secret, url, ...e }: repo.WebhookEndpoint): EndpointView => ({
  ...e,
  url: redactUrl(url),
  hasSecret: secret !== null,
});
/** What the audit trail keeps of an endpoint: what the API shows, no secret, no URL credentials. */
const audited = (e: repo.WebhookEndpoint) => view(e);

/** how many of an endpoint's latest failed attempts the list shows. */
export const RECENT_FAILURES = 5;

export async function listEndpoints(
  deps: NotificationDeps,
  ctx: RequestContext,
): Promise<(EndpointView & { recentFailures: repo.RecentFailure[] })[]> {
  authorize(ctx, 'notifications.manage');
  const endpoints = await repo.listEndpoints(deps.db.kysely, deps.secrets);
  const failures = await repo.recentFailures(
    deps.db.kysely,
    endpoints.map((e) => e.id),
    RECENT_FAILURES,
  );
  return endpoints.map((e) => ({ ...view(e), recentFailures: failures.get(e.id) ?? [] }));
}

export interface EndpointInput {
  name: string;
  format: repo.WebhookFormat;
  url: string;
  secret?: string | null;
  app?: repo.AppSettings | null;
  keyword?: string | null;
  kinds: repo.NotificationKind[];
  enabled: boolean;
}

/**
 * what a chat app endpoint is sent with — Feishu's App ID and group chat, WeCom's corp id
 * and AgentId, and the app's secret — or a 400 naming each missing field. Other formats keep none.
 */
function appOf(
  format: repo.WebhookFormat,
  app: repo.AppSettings | null | undefined,
  secret: string | null,
): repo.AppSettings | null {
  if (format !== 'feishu_app' && format !== 'wecom_app') return null;
  const needed = format === 'feishu_app' ? (['appId', 'chatId'] as const) : (['corpId', 'agentId'] as const);
  const problems: Record<string, [typeof FIELDS.required]> = {};
  for (const key of needed) if (app?.[key] === undefined) problems[`app.${key}`] = [FIELDS.required];
  if (!secret) problems.secret = [FIELDS.required];
  if (Object.keys(problems).length > 0) throw invalidFields(problems);
  return Object.fromEntries(needed.map((k) => [k, app![k]]));
}

const nameTaken = (name: string) =>
  refused(
    'conflict',
    { code: 'endpoint_name_taken', params: { name } },
    { fields: { name: [FIELDS.already_taken] } },
  );

/**
 * X-4 at save time: the URL to store, or a 400 naming the field and the rule. A URL that still
 * shows `***` is the redacted one this server answered: unchanged, it means the stored URL (so an
 * edit of the name does not destroy the robot's token); otherwise it is refused, since keeping the
 * hidden token on another address would send it there. A target the outbound policy forbids is
 * refused, and the refusal is audited on its own (its request changes nothing else).
 */
async function acceptedUrl(
  deps: NotificationDeps,
  ctx: RequestContext,
  action: AuditAction,
  url: string,
  stored: repo.WebhookEndpoint | undefined,
): Promise<string> {
  if (stored && url === redactUrl(stored.url)) return stored.url;
  if (showsRedaction(url))
    throw invalidFields({ url: [FIELDS.credential_hidden] }, { rule: RULES.x4_url_credentials });
  if (stored && url === stored.url) return url;
  const refusal = await deps.outbound.refusalOf(url);
  if (!refusal) return url;
  const message = `${OUTBOUND_RULE}: ${refusal.message}`;
  await recordStandalone(deps.db, deps.audit, ctx, {
    action,
    entityType: 'webhook_endpoint',
    entityId: stored?.id ?? null,
    outcome: 'denied',
    details: { code: 'invalid_input', message, url: redactUrl(url), ...refusal.toDetails() },
  });
  throw invalidFields({ url: [refusal.problem()] }, refusal.toDetails());
}

export async function createEndpoint(
  deps: NotificationDeps,
  ctx: RequestContext,
  input: EndpointInput,
): Promise<EndpointView> {
  const principal = authorize(ctx, 'notifications.manage');
  const url = await acceptedUrl(deps, ctx, 'notification.webhook_create', input.url, undefined);
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (await repo.endpointNameTaken(trx, input.name)) throw nameTaken(input.name);
    const at = deps.clock.now().toISOString();
    const endpoint: repo.WebhookEndpoint = {
      id: randomUUID(),
      name: input.name,
      format: input.format,
      url,
      secret: input.secret ?? null,
      app: appOf(input.format, input.app, input.secret ?? null),
      keyword: input.keyword ?? null,
      kinds: [...new Set(input.kinds)],
      enabled: input.enabled,
      createdBy: principal.username,
      createdAt: at,
      updatedAt: at,
    };
    await repo.insertEndpoint(trx, endpoint, deps.secrets);
    await deps.audit.record(trx, ctx, {
      action: 'notification.webhook_create',
      entityType: 'webhook_endpoint',
      entityId: endpoint.id,
      after: audited(endpoint),
    });
    return view(endpoint);
  });
}

export async function updateEndpoint(
  deps: NotificationDeps,
  ctx: RequestContext,
  id: string,
  input: Partial<EndpointInput>,
): Promise<EndpointView> {
  authorize(ctx, 'notifications.manage');
  // Judged before the transaction: the check may wait for DNS, and its refusal is audited alone.
  const current =
    input.url === undefined ? undefined : await repo.findEndpoint(deps.db.kysely, id, deps.secrets);
  if (input.url !== undefined && !current) throw notFound('webhook_endpoint', id);
  const url =
    input.url === undefined
      ? undefined
      : await acceptedUrl(deps, ctx, 'notification.webhook_update', input.url, current);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findEndpoint(trx, id, deps.secrets);
    if (!before) throw notFound('webhook_endpoint', id);
    if (
      input.name !== undefined &&
      input.name !== before.name &&
      (await repo.endpointNameTaken(trx, input.name, id))
    )
      throw nameTaken(input.name);
    const after: repo.WebhookEndpoint = {
      ...before,
      ...(input.name !== undefined && { name: input.name }),
      ...(input.format !== undefined && { format: input.format }),
      ...(url !== undefined && { url }),
      ...(input.secret !== undefined && { secret: input.secret }),
      ...(input.kinds !== undefined && { kinds: [...new Set(input.kinds)] }),
      ...(input.enabled !== undefined && { enabled: input.enabled }),
      ...(input.keyword !== undefined && { keyword: input.keyword }),
      updatedAt: deps.clock.now().toISOString(),
    };
    after.app = appOf(after.format, input.app === undefined ? before.app : input.app, after.secret);
    await repo.updateEndpoint(trx, after, deps.secrets);
    await deps.audit.record(trx, ctx, {
      action: 'notification.webhook_update',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: audited(before),
      after: audited(after),
      details: changedCredentials(before, after, input.secret),
    });
    return view(after);
  });
}

/**
 * What the audit event says of credentials that it cannot show: the secret, and a URL whose only
 * change is hidden (a new robot token looks the same redacted).
 */
function changedCredentials(
  before: repo.WebhookEndpoint,
  after: repo.WebhookEndpoint,
  secret: string | null | undefined,
): Record<string, string> | undefined {
  const details: Record<string, string> = {};
  if (secret !== undefined) details.secret = secret === null ? 'removed' : 'replaced';
  if (before.url !== after.url && redactUrl(before.url) === redactUrl(after.url))
    details.urlCredentials = 'replaced';
  return Object.keys(details).length > 0 ? details : undefined;
}

/** Deletes an endpoint; its deliveries still pending are cancelled (their history is kept). */
export async function deleteEndpoint(deps: NotificationDeps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, 'notifications.manage');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findEndpoint(trx, id, deps.secrets);
    if (!before) throw notFound('webhook_endpoint', id);
    const cancelled = await repo.cancelPendingDeliveries(trx, id, deps.clock.now().toISOString());
    await repo.deleteEndpoint(trx, id);
    await deps.audit.record(trx, ctx, {
      action: 'notification.webhook_delete',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: audited(before),
      details: { cancelledDeliveries: cancelled },
    });
  });
}

export interface TestResult {
  ok: boolean;
  /** The receiver's HTTP status; its body is never shown. */
  responseCode: number | null;
  /** Why it failed, as a class: blocked (by the outbound policy), timeout, refused, http_status… */
  errorClass: DeliveryErrorClass | null;
  /** Why it failed, in English. */
  error: string | null;
  /** Why it failed, as a catalog reason. */
  errorReason: Reason | null;
  delivery: DeliveryView;
}

/**
 * Sends a test message to the endpoint at once and reports the HTTP status, or the class of the
 * failure — never what the receiver wrote back: the button must not be a way to read internal
 * services through the server.
 */
export async function testEndpoint(
  deps: NotificationDeps,
  ctx: RequestContext,
  id: string,
): Promise<TestResult> {
  const principal = authorize(ctx, 'notifications.manage');
  const endpoint = await repo.findEndpoint(deps.db.kysely, id, deps.secrets);
  if (!endpoint) throw notFound('webhook_endpoint', id);
  const now = deps.clock.now();
  const at = now.toISOString();
  const delivery: repo.NewDelivery = {
    id: randomUUID(),
    eventId: randomUUID(),
    channel: 'webhook',
    endpointId: id,
    userId: principal.userId,
    recipient: null,
    kind: 'test',
    message: {
      eventId: randomUUID(),
      kind: 'test',
      title: { zh: '测试消息', en: 'Test message' },
      body: {
        zh: `这是发布管理平台发给 ${endpoint.name} 的测试消息（${principal.displayName}）。`,
        en: `A test message from ReleaseGate to ${endpoint.name} (${principal.displayName}).`,
      },
      link: '/notifications',
      releaseId: null,
      occurredAt: at,
    },
    status: 'pending',
    attempts: 1,
    lastError: null,
    lastErrorReason: null,
    responseCode: null,
    createdAt: at,
    updatedAt: at,
    deliveredAt: null,
  };
  // a test message counts against the robot's rate limit like any other; when the limit is
  // reached by messages on their way, the test waits for the administrator to try again.
  try {
    await claimSendSlot(deps.db.kysely, deps.clock, ROBOT_RATE_LIMITS, endpoint, delivery.id);
  } catch (error) {
    if (!(error instanceof JobDeferred) || endpoint.format === 'generic') throw error;
    throw refused('rate_limited', {
      code: 'robot_test_rate_limited',
      params: { format: endpoint.format, at: error.until.toISOString() },
    });
  }
  let result: Omit<TestResult, 'delivery'>;
  try {
    const code = await sendWebhook(
      deps.outbound,
      endpoint,
      delivery,
      now,
      deps.publicUrl,
      deps.timeoutMs ?? 10_000,
      // The test card goes to the administrator who asked for it (a WeCom app sends to people).
      await repo.mentionsOf(deps.db.kysely, [principal.userId]),
      { secrets: deps.secrets, tokens: deps.appTokens },
    );
    result = { ok: true, responseCode: code, errorClass: null, error: null, errorReason: null };
  } catch (error) {
    if (!(error instanceof DeliveryError)) throw error;
    result = {
      ok: false,
      responseCode: error.responseCode,
      errorClass: error.errorClass,
      error: error.message,
      errorReason: error.reason,
    };
  }
  const settled: repo.NewDelivery = {
    ...delivery,
    status: result.ok ? 'delivered' : 'failed',
    lastError: result.error,
    lastErrorReason: result.errorReason,
    responseCode: result.responseCode,
    deliveredAt: result.ok ? at : null,
  };
  await deps.db.kysely.transaction().execute(async (trx) => {
    await repo.insertDeliveries(trx, [settled]);
    await deps.audit.record(trx, ctx, {
      action: 'notification.webhook_test',
      entityType: 'webhook_endpoint',
      entityId: id,
      outcome: result.ok ? 'success' : 'failed',
      details: result,
    });
  });
  const [stored] = await deliveriesView(deps.db.kysely, [
    (await repo.findDelivery(deps.db.kysely, settled.id))!,
  ]);
  return { ...result, delivery: stored };
}

// --- deliveries (the system administrator) ---

export interface DeliveryView {
  id: string;
  seq: number;
  eventId: string;
  channel: 'email' | 'webhook';
  endpointId: string | null;
  endpointName: string | null;
  recipient: string | null;
  kind: string;
  title: repo.Bilingual;
  status: repo.DeliveryStatus;
  attempts: number;
  lastError: string | null;
  lastErrorReason: Reason | null;
  responseCode: number | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

async function deliveriesView(q: repo.Queryable, deliveries: repo.Delivery[]): Promise<DeliveryView[]> {
  const names = await repo.endpointNames(q);
  return deliveries.map(({ message, ...d }) => ({
    ...d,
    endpointName: d.endpointId ? (names.get(d.endpointId) ?? null) : null,
    title: message.title,
  }));
}

/** A page of the deliveries (keyset on seq), with how many match the filter. */
export async function listDeliveries(
  deps: NotificationDeps,
  ctx: RequestContext,
  filter: repo.DeliveryFilter,
  page: PageRequest<(typeof repo.DELIVERY_SORTS)[number]>,
): Promise<Page<DeliveryView>> {
  authorize(ctx, 'notifications.manage');
  const position = openPage(page, filter, repo.deliveryKeys());
  const q = deps.db.kysely;
  const found = await withTotal(repo.pageDeliveries(q, filter, position), repo.countDeliveries(q, filter));
  return { ...found, items: await deliveriesView(q, found.items) };
}

/** Sends a failed (or cancelled) delivery again, as a new round of attempts. Audited. */
export async function retryDelivery(
  deps: NotificationDeps,
  ctx: RequestContext,
  id: string,
): Promise<DeliveryView> {
  authorize(ctx, 'notifications.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const d = await repo.findDelivery(trx, id);
    if (!d) throw notFound('delivery', id);
    if (d.kind === 'test' || (d.status !== 'failed' && d.status !== 'cancelled'))
      throw refused(
        'invalid_transition',
        { code: 'delivery_not_resendable', params: { status: d.status } },
        { status: d.status },
      );
    if (
      d.channel === 'webhook' &&
      (!d.endpointId || !(await repo.findEndpoint(trx, d.endpointId, deps.secrets)))
    )
      throw refused(
        'invalid_transition',
        { code: 'delivery_endpoint_deleted', params: {} },
        { endpointId: d.endpointId },
      );
    const at = deps.clock.now().toISOString();
    await repo.reopenDelivery(trx, id, at);
    await enqueueJob(trx, {
      kind: DELIVERY_JOB,
      key: deliveryJobKey(id, Date.parse(at)),
      dueAt: at,
      payload: { deliveryId: id },
    });
    await deps.audit.record(trx, ctx, {
      action: 'notification.delivery_retry',
      entityType: 'notification_delivery',
      entityId: id,
      details: { previousStatus: d.status, attempts: d.attempts, lastError: d.lastError },
    });
    const [reopened] = await deliveriesView(trx, [(await repo.findDelivery(trx, id))!]);
    return reopened;
  });
}
