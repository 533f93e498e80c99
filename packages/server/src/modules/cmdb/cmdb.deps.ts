import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { AuditWriter } from '../audit';
import type { ImpactGraphCache } from './impact.graph';

export interface CmdbDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  graph: ImpactGraphCache;
}

/** Why a CI changed (CM-4): by hand, by a release (which one), or by an import. */
export type ChangeOrigin =
  | { kind: 'manual'; reason?: string | null }
  | { kind: 'release'; releaseId: string; reason?: string | null }
  | { kind: 'import'; reason?: string | null };
