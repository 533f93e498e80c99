import type { Clock } from '@releasegate/domain';
import type { Reason } from '@releasegate/messages';
import type { Db } from '../../db/database';
import type { AuditWriter } from '../audit';
import type { ImpactGraphCache } from './impact.graph';

export interface CmdbDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  graph: ImpactGraphCache;
}

/**
 * Why a CI changed (CM-4): by hand (a person's `reason`, their words), by a release (which one) or
 * by an import. The system states its own reasons as catalog reasons (`systemReason`), which the
 * history keeps beside their English, so readers see them in their language.
 */
export type ChangeOrigin =
  | { kind: 'manual'; reason?: string | null }
  | { kind: 'release'; releaseId: string; systemReason: Reason }
  | { kind: 'import'; systemReason: Reason };
