import type { Clock } from '@releasegate/domain';
import type { Config } from '../../config';
import type { Db } from '../../db/database';
import type { AuditWriter } from '../audit';
import type { SecretBox } from '../../storage/secret-box';
import type { IdentityCache } from './identity.cache';

/** What the identity services need, handed to them explicitly. */
export interface IdentityDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  /** seals TOTP secrets. */
  secrets: SecretBox;
  settings: Pick<Config, 'session' | 'lockout' | 'password' | 'publicUrl' | 'directory'>;
  /** Decision 0028: the sessions and tokens checked in the last second; none in the CLI. */
  cache?: IdentityCache;
}
