import type { Clock } from '@releasegate/domain';
import type { Config } from '../../config';
import type { Db } from '../../db/database';
import type { AuditWriter } from '../audit';

/** What the identity services need, handed to them explicitly. */
export interface IdentityDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  settings: Pick<Config, 'session' | 'lockout' | 'password' | 'publicUrl'>;
}
