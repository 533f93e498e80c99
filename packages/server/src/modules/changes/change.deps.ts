import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { AuditWriter } from '../audit';

export interface ChangeDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  /** HMAC secrets of the external change systems allowed to call the webhook, by system name. */
  webhookSecrets: Readonly<Record<string, string>>;
}
