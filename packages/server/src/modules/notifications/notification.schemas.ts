import { z } from 'zod';
import { httpUrl } from '../../http/http-url';
import { reasonSchema } from '../../http/reason.schemas';
import { pageQuery, pageView } from '../../http/page.schemas';
import {
  CHANNELS,
  DELIVERY_SORTS,
  NOTIFICATION_SORTS,
  NOTIFICATION_CATEGORIES,
  NOTIFICATION_KINDS,
  WEBHOOK_FORMATS,
} from './notification.repository';

const bilingual = z.object({ zh: z.string(), en: z.string() });
const kind = z.enum(NOTIFICATION_KINDS);

export const idParams = z.object({ id: z.string().min(1).max(100) });

export const notificationView = z.object({
  id: z.string(),
  kind,
  title: bilingual,
  body: bilingual,
  link: z.string().nullable(),
  releaseId: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  /** todo: something the recipient can do, open until done by anyone; info: for the digest. */
  category: z.enum(NOTIFICATION_CATEGORIES),
  /** The thing to do, e.g. release:<id>:approve_plan. */
  todoKey: z.string().nullable(),
  /** When the thing was done (by anyone), and by whom when known. */
  doneAt: z.string().nullable(),
  doneBy: z.string().nullable(),
});

export const listQuery = z
  .object({
    unread: z.enum(['0', '1']).optional().describe('1: only unread notifications'),
    category: z.enum(NOTIFICATION_CATEGORIES).optional().describe('todo: to-dos; info: the digest'),
    open: z.enum(['0', '1']).optional().describe('1: only to-dos still open'),
  })
  .extend(pageQuery(NOTIFICATION_SORTS, '-createdAt').shape);

export const notificationList = pageView(notificationView).extend({
  /** The bell's count: to-dos still open, in all (not only in this page). Same as `todo`. */
  unread: z.number().int(),
  /** To-dos still open (read or not: reading a to-do does not do it). */
  todo: z.number().int(),
  /** Unread information (the digest). */
  info: z.number().int(),
});

export const readAllQuery = z.object({
  category: z.enum(NOTIFICATION_CATEGORIES).optional().describe('only to-dos, or only the digest'),
});

export const preferenceItem = z.object({ kind, inApp: z.boolean(), email: z.boolean() });
export const preferencesView = z.object({
  /** Where e-mail goes (the account's address; null: no e-mail can be sent). */
  email: z.string().nullable(),
  /** Whether this server sends e-mail at all (SMTP_URL is set). */
  emailAvailable: z.boolean(),
  kinds: z.array(preferenceItem),
  /** the daily digest e-mail of unread information. */
  digest: z.boolean(),
});
export const preferencesInput = z.object({
  kinds: z.array(preferenceItem).min(1).max(NOTIFICATION_KINDS.length),
  /** the daily digest e-mail (omitted: unchanged). */
  digest: z.boolean().optional(),
});

/** X-2: a chat app's ids (ASCII, as the vendors' consoles show them). */
const appId = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._@:-]+$/);
export const appSettings = z
  .object({
    appId: appId.optional().describe("Feishu: the app's App ID (cli_…)"),
    chatId: appId.optional().describe('Feishu: the group chat the cards go to (oc_…)'),
    corpId: appId.optional().describe('WeCom: the corp id (ww…)'),
    agentId: z.number().int().min(1).max(2_147_483_647).optional().describe("WeCom: the app's AgentId"),
  })
  .describe('X-2: for feishu_app and wecom_app, the ids the cards are sent with');

/** a robot's "custom keyword" (DingTalk, Feishu): empty clears it. */
const robotKeyword = z
  .string()
  .trim()
  .max(32)
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .optional()
  .describe(
    'X-2: the keyword of a DingTalk or Feishu robot in "custom keywords" mode, carried by every message',
  );

export const endpointView = z.object({
  id: z.string(),
  name: z.string(),
  format: z.enum(WEBHOOK_FORMATS),
  /** Credentials in it (access_token, key, sign…, a Feishu hook id) show as ***. */
  url: z.string(),
  /** The secret itself is never returned. */
  hasSecret: z.boolean(),
  app: appSettings.nullable(),
  keyword: z.string().nullable(),
  kinds: z.array(kind),
  enabled: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/**
 * an endpoint in the list, with its recent failures (newest first, at most
 * RECENT_FAILURES): attempts that did not get through, each with the robot's own code and, where
 * the vendor publishes them, its words (delivery_robot_refused_said).
 */
export const endpointListItem = endpointView.extend({
  recentFailures: z.array(
    z.object({
      deliveryId: z.string(),
      at: z.string(),
      status: z.enum(['pending', 'delivered', 'failed', 'skipped', 'cancelled']),
      responseCode: z.number().int().nullable(),
      lastError: z.string(),
      lastErrorReason: reasonSchema.nullable(),
    }),
  ),
});

export const createEndpointInput = z.object({
  name: z.string().trim().min(1).max(100),
  format: z.enum(WEBHOOK_FORMATS),
  url: httpUrl(),
  secret: z.string().min(1).max(500).nullable().optional(),
  app: appSettings.nullable().optional(),
  keyword: robotKeyword,
  kinds: z.array(kind).min(1).max(NOTIFICATION_KINDS.length),
  enabled: z.boolean().default(true),
});

export const updateEndpointInput = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  format: z.enum(WEBHOOK_FORMATS).optional(),
  url: httpUrl().optional(),
  /** Absent: kept; null: removed; a string: replaced. */
  secret: z.string().min(1).max(500).nullable().optional(),
  /** Absent: kept; otherwise replaced. */
  app: appSettings.nullable().optional(),
  /** Absent: kept; null or empty: removed. */
  keyword: robotKeyword,
  kinds: z.array(kind).min(1).max(NOTIFICATION_KINDS.length).optional(),
  enabled: z.boolean().optional(),
});

export const deliveryStatus = z.enum(['pending', 'delivered', 'failed', 'skipped', 'cancelled']);

export const deliveryView = z.object({
  id: z.string(),
  seq: z.number().int(),
  eventId: z.string(),
  channel: z.enum(['email', 'webhook']),
  endpointId: z.string().nullable(),
  endpointName: z.string().nullable(),
  recipient: z.string().nullable(),
  kind: z.string(),
  title: bilingual,
  status: deliveryStatus,
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('Why the last attempt failed, in English'),
  lastErrorReason: reasonSchema
    .nullable()
    .describe(
      "X-2, X-3: why the last attempt failed, as a catalog reason (the class, host and status; never the receiver's words); null on success and for records from before codes that could not be recognised",
    ),
  responseCode: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deliveredAt: z.string().nullable(),
});

/** Why a webhook call failed (X-4: classes and statuses, never the receiver's words). */
export const deliveryErrorClass = z.enum([
  'blocked',
  'timeout',
  'refused',
  'dns',
  'tls',
  'reset',
  'unreachable',
  'error',
  'redirect',
  'http_status',
  'bad_reply',
  'robot_refused',
  'rate_limited',
  'no_recipient',
]);

export const testResult = z.object({
  ok: z.boolean(),
  responseCode: z.number().int().nullable(),
  errorClass: deliveryErrorClass.nullable(),
  error: z.string().nullable().describe('Why the test failed, in English'),
  errorReason: reasonSchema.nullable().describe('X-2, X-3: why the test failed, as a catalog reason'),
  delivery: deliveryView,
});

export const deliveryQuery = z
  .object({
    status: deliveryStatus.optional(),
    channel: z.enum(['email', 'webhook']).optional(),
    endpointId: z.string().max(100).optional(),
  })
  .extend(pageQuery(DELIVERY_SORTS, '-seq').shape);

export const channels = z.enum(CHANNELS);
