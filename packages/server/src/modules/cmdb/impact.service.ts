import { fieldProblem } from '@releasegate/messages';
import { invalidFields, refused, edgeRelation, impactOf, type ImpactResult, type ImpactStep } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import type { CmdbDeps } from './cmdb.deps';
import { findCisByIds, type CiSummaryRow } from './cmdb.repository';
import { NODE_FLAGS, type LoadedGraph } from './impact.graph';

export const MAX_IMPACT_DEPTH = 20;

export interface AffectedCi {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
  depth: number;
  /** The step that reached this CI: `fromId` changed, so this one is affected through `relation`. */
  via: { relation: ImpactStep['relation']; reverse: boolean; fromId: string };
}

/** The answer of the impact routes, field by field in the order the JSON has them. */
export interface ImpactReport {
  seeds: CiSummaryRow[];
  /** The nearest affected CIs (breadth-first order), at most `limit` of them when one is asked for. */
  affected: AffectedCi[];
  /** How many CIs are affected in all (`affected` may list fewer). */
  affectedCount: number;
  /** Every affected CI of type "service": what the business will notice. */
  services: string[];
  /** How many affected CIs are critical, in all. */
  criticalCount: number;
  truncated: boolean;
  maxDepth: number;
}

/**
 * What analyseImpact found, kept compact: the breadth-first search's arrays over the graph the
 * server holds, not an object per CI. `impactReport` turns it into the report; the route writes
 * the same JSON straight from these arrays (impact.response.ts).
 */
export interface ImpactAnswer {
  graph: LoadedGraph;
  seeds: CiSummaryRow[];
  result: ImpactResult;
  /** The answer lists result positions [0, listedEnd) that have a summary (CIs added since the load have none). */
  listedEnd: number;
  /** How many CIs the answer lists. */
  listedCount: number;
  affectedCount: number;
  /** Graph nodes of the affected services, nearest first. */
  serviceNodes: number[];
  criticalCount: number;
  maxDepth: number;
}

/**
 * CM-2: the CIs and services affected by a change to the given CIs. Follow `via.fromId` from any
 * affected CI back to a seed for the whole path; every path is a shortest one. With `limit`, the
 * answer lists the nearest `limit` affected CIs (each one's path stays within the list: a CI is
 * always listed after the one that reached it) and still counts all of them.
 */
export async function analyseImpact(
  deps: CmdbDeps,
  ctx: RequestContext,
  ciIds: readonly string[],
  maxDepth: number,
  limit?: number,
): Promise<ImpactAnswer> {
  authorize(ctx, 'cmdb.read');
  if (maxDepth < 1 || maxDepth > MAX_IMPACT_DEPTH) {
    throw invalidFields({ maxDepth: [fieldProblem('number_between', { min: 1, max: MAX_IMPACT_DEPTH })] });
  }
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw invalidFields({ limit: [fieldProblem('number_min', { min: 1 })] });
  }
  const graph = await deps.graph.current();
  const seeds = await seedSummaries(deps, graph, ciIds);
  const result = impactOf(
    graph.graph,
    ciIds.map((id) => graph.index.get(id) ?? -1),
    maxDepth,
  );
  return answerOf(graph, seeds, result, maxDepth, limit);
}

/** Counts what a search reached and how much of it the answer lists (at most `limit` CIs). */
export function answerOf(
  graph: LoadedGraph,
  seeds: CiSummaryRow[],
  result: ImpactResult,
  maxDepth: number,
  limit = Infinity,
): ImpactAnswer {
  // The shown fields come from the summaries kept with the graph: no row is read back per CI,
  // and the counts come from bits per node, not from the summary objects.
  const { flags } = graph;
  const { affected } = result;
  const serviceNodes: number[] = [];
  let affectedCount = 0;
  let criticalCount = 0;
  let listedEnd = 0;
  for (let k = 0; k < affected.length; k++) {
    const node = affected[k];
    const f = flags[node];
    if (!(f & NODE_FLAGS.SUMMARY)) continue;
    affectedCount++;
    if (affectedCount <= limit) listedEnd = k + 1;
    if (f & NODE_FLAGS.CRITICAL) criticalCount++;
    if (f & NODE_FLAGS.SERVICE) serviceNodes.push(node);
  }
  return {
    graph,
    seeds,
    result,
    listedEnd,
    listedCount: Math.min(affectedCount, limit),
    affectedCount,
    serviceNodes,
    criticalCount,
    maxDepth,
  };
}

/** The seeds as the answer shows them, in the order asked, each once; unknown ids are not_found. */
async function seedSummaries(
  deps: CmdbDeps,
  graph: LoadedGraph,
  ciIds: readonly string[],
): Promise<CiSummaryRow[]> {
  const unique = [...new Set(ciIds)];
  // Summaries are current (the cache applied every logged change); an id the graph does not hold
  // (a retired CI) is read from the database.
  const held = new Map<string, CiSummaryRow>();
  for (const id of unique) {
    const node = graph.index.get(id);
    const summary = node === undefined ? null : graph.summaries[node];
    if (summary) held.set(id, summary);
  }
  const rest = unique.filter((id) => !held.has(id));
  if (rest.length > 0) {
    for (const c of await findCisByIds(deps.db.kysely, rest))
      held.set(c.id, {
        id: c.id,
        name: c.name,
        type: c.type,
        environment: c.environment,
        critical: c.critical,
      });
    const missing = rest.filter((id) => !held.has(id));
    if (missing.length > 0)
      throw refused('not_found', { code: 'unknown_cis', params: { ids: missing } }, { missing });
  }
  return unique.map((id) => held.get(id)!);
}

/** The answer as objects: what the route's JSON says, for code and tests that want objects. */
export function impactReport(answer: ImpactAnswer): ImpactReport {
  const { graph, result } = answer;
  const affected: AffectedCi[] = [];
  for (let k = 0; k < answer.listedEnd; k++) {
    const ci = graph.summaries[result.affected[k]];
    if (!ci) continue;
    const edge = result.edge[k];
    affected.push({
      id: ci.id,
      name: ci.name,
      type: ci.type,
      environment: ci.environment,
      critical: ci.critical,
      depth: result.depth[k],
      via: {
        relation: edgeRelation(graph.graph, edge),
        reverse: graph.graph.reverse[edge] === 1,
        fromId: graph.ids[result.from[k]],
      },
    });
  }
  return {
    seeds: answer.seeds.map((s) => ({
      id: s.id,
      name: s.name,
      type: s.type,
      environment: s.environment,
      critical: s.critical,
    })),
    affected,
    affectedCount: answer.affectedCount,
    services: answer.serviceNodes.map((n) => graph.ids[n]),
    criticalCount: answer.criticalCount,
    truncated: answer.result.truncated,
    maxDepth: answer.maxDepth,
  };
}
