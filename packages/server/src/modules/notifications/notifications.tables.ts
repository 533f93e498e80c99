import type { Generated } from 'kysely';

/** Row types of X-2 notifications (times ISO text, booleans 0/1, JSON text). */
export interface NotificationsTable {
  id: string;
  /** The notify() call that produced it: one event, several rows and deliveries. */
  event_id: string;
  user_id: string;
  kind: string;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  link: string | null;
  release_id: string | null;
  created_at: string;
  read_at: string | null;
  /** todo | info (decision 0018). */
  category: Generated<string>;
  /** The thing to do, e.g. release:<id>:approve_plan; null for information. */
  todo_key: string | null;
  /** When the thing stopped being open (done by anyone), and who did it when known. */
  done_at: string | null;
  done_by: string | null;
}

export interface NotificationPreferencesTable {
  user_id: string;
  kind: string;
  /** in_app | email */
  channel: string;
  enabled: number;
  updated_at: string;
}

export interface WebhookEndpointsTable {
  id: string;
  name: string;
  /** generic | dingtalk | wecom | feishu | feishu_app | wecom_app */
  format: string;
  url: string;
  secret: string | null;
  /** JSON array of notification kinds sent to this endpoint. */
  kinds: string;
  /** a chat app's ids (JSON, AppSettings) for feishu_app and wecom_app; null otherwise. */
  app_settings: Generated<string | null>;
  /** the keyword a DingTalk or Feishu robot in "custom keywords" mode needs in each message. */
  keyword: Generated<string | null>;
  enabled: number;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationDeliveriesTable {
  seq: Generated<number>;
  id: string;
  event_id: string;
  /** email | webhook */
  channel: string;
  endpoint_id: string | null;
  user_id: string | null;
  /** The e-mail address, for e-mail. */
  recipient: string | null;
  kind: string;
  /** JSON: the message (kind, titles, bodies, link, release). */
  message: string;
  /** pending | delivered | failed | skipped | cancelled */
  status: string;
  attempts: number;
  last_error: string | null;
  /** Why the last attempt failed, as a catalog reason (JSON): the class, host and status. */
  last_error_reason: string | null;
  response_code: number | null;
  created_at: string;
  updated_at: string;
  delivered_at: string | null;
}

/** one message sent to a robot endpoint, counted against the vendor's rate limit. */
export interface WebhookSendsTable {
  id: string;
  endpoint_id: string;
  delivery_id: string | null;
  sent_at: string;
}

export interface NotificationsTables {
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
  webhook_endpoints: WebhookEndpointsTable;
  notification_deliveries: NotificationDeliveriesTable;
}
