import { DomainError, impactOf, type ImpactStep } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../identity/authorize';
import type { CmdbDeps } from './cmdb.deps';
import { findCisByIds } from './cmdb.repository';

export const MAX_IMPACT_DEPTH = 20;

export interface AffectedCi {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
  depth: number;
  /** The step that reached this CI: `fromId` changed, so this one is affected through `relation`. */
  via: { fromId: string; relation: ImpactStep['relation']; reverse: boolean };
}

export interface ImpactReport {
  seeds: { id: string; name: string; type: string; environment: string; critical: boolean }[];
  affected: AffectedCi[];
  /** Affected CIs of type "service": what the business will notice. */
  services: string[];
  criticalCount: number;
  truncated: boolean;
  maxDepth: number;
}

/**
 * CM-2: the CIs and services affected by a change to the given CIs. Follow `via.fromId` from any
 * affected CI back to a seed for the whole path; every path is a shortest one.
 */
export async function analyseImpact(
  deps: CmdbDeps,
  ctx: RequestContext,
  ciIds: readonly string[],
  maxDepth: number,
): Promise<ImpactReport> {
  authorize(ctx, 'cmdb.read');
  if (maxDepth < 1 || maxDepth > MAX_IMPACT_DEPTH) {
    throw new DomainError('invalid_input', `Depth must be from 1 to ${MAX_IMPACT_DEPTH}`, {
      fields: { maxDepth: [`1 to ${MAX_IMPACT_DEPTH}`] },
    });
  }
  const loaded = await deps.graph.current();
  const unknown = ciIds.filter((id) => !loaded.index.has(id));
  const seedRows = await findCisByIds(deps.db.kysely, ciIds);
  const missing = unknown.filter((id) => !seedRows.some((c) => c.id === id));
  if (missing.length > 0)
    throw new DomainError('not_found', `Unknown configuration items: ${missing.join(', ')}`, { missing });
  const result = impactOf(
    loaded.graph,
    ciIds.map((id) => loaded.index.get(id) ?? -1),
    maxDepth,
  );
  // The shown fields come from the summaries kept with the graph: no row is read back per CI.
  const affected: AffectedCi[] = [];
  for (let k = 0; k < result.affected.length; k++) {
    const ci = loaded.summaries[result.affected[k]];
    if (!ci) continue;
    const step = result.via[k];
    affected.push({
      id: ci.id,
      name: ci.name,
      type: ci.type,
      environment: ci.environment,
      critical: ci.critical,
      depth: result.depth[k],
      via: { fromId: loaded.ids[step.from], relation: step.relation, reverse: step.reverse },
    });
  }
  return {
    seeds: seedRows.map((c) => ({
      id: c.id,
      name: c.name,
      type: c.type,
      environment: c.environment,
      critical: c.critical,
    })),
    affected,
    services: affected.filter((a) => a.type === 'service').map((a) => a.id),
    criticalCount: affected.filter((a) => a.critical).length,
    truncated: result.truncated,
    maxDepth,
  };
}
