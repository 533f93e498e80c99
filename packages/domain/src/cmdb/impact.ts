import { IMPACT_DIRECTION, type RelationType } from './relations';

/** One step of an impact path: `from` is changed, so `to` is affected, because of `relation`. */
export interface ImpactStep {
  from: number;
  to: number;
  relation: RelationType;
  /** True when the step follows the stored relation backwards (B changed affects A in A→B). */
  reverse: boolean;
}

/**
 * The "affects" graph in compressed sparse row form over dense node indexes 0..n-1:
 * the neighbours a change to node i reaches are targets[offsets[i] .. offsets[i+1]).
 */
export interface AffectsGraph {
  readonly nodeCount: number;
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly relations: Uint8Array;
  readonly reverse: Uint8Array;
}

const RELATION_CODES: readonly RelationType[] = ['depends_on', 'runs_on', 'connects_to', 'part_of'];

/** Builds the affects graph from stored relations (source → target, typed). */
export function buildAffectsGraph(
  nodeCount: number,
  edges: Iterable<{ source: number; target: number; type: RelationType }>,
): AffectsGraph {
  const list: number[] = [];
  const degree = new Int32Array(nodeCount + 1);
  const push = (from: number, to: number, code: number, rev: number) => {
    list.push(from, to, code, rev);
    degree[from + 1]++;
  };
  for (const e of edges) {
    const dir = IMPACT_DIRECTION[e.type];
    const code = RELATION_CODES.indexOf(e.type);
    if (dir.targetAffectsSource) push(e.target, e.source, code, 1);
    if (dir.sourceAffectsTarget) push(e.source, e.target, code, 0);
  }
  const offsets = new Int32Array(nodeCount + 1);
  for (let i = 1; i <= nodeCount; i++) offsets[i] = offsets[i - 1] + degree[i];
  const fill = offsets.slice(0, nodeCount);
  const total = list.length / 4;
  const targets = new Int32Array(total);
  const relations = new Uint8Array(total);
  const reverse = new Uint8Array(total);
  for (let k = 0; k < list.length; k += 4) {
    const at = fill[list[k]]++;
    targets[at] = list[k + 1];
    relations[at] = list[k + 2];
    reverse[at] = list[k + 3];
  }
  return { nodeCount, offsets, targets, relations, reverse };
}

export interface ImpactResult {
  /** Affected nodes in breadth-first order (nearest first), seeds excluded. */
  affected: Int32Array;
  /** depth[i] for each affected node, aligned with `affected`. */
  depth: Int32Array;
  /** The step that first reached each affected node, aligned with `affected`; follow `from` back to a seed for the whole path. */
  via: ImpactStep[];
  /** True when the depth bound stopped the search with more to reach. */
  truncated: boolean;
}

/**
 * CM-2: every node affected by a change to the seeds, transitively, in the direction changes
 * travel, at most maxDepth steps away. Breadth-first, so each node's recorded path is a shortest one.
 */
export function impactOf(graph: AffectsGraph, seeds: readonly number[], maxDepth: number): ImpactResult {
  const seen = new Uint8Array(graph.nodeCount);
  const affected: number[] = [];
  const depth: number[] = [];
  const via: ImpactStep[] = [];
  let frontier: number[] = [];
  for (const s of seeds) {
    if (s >= 0 && s < graph.nodeCount && !seen[s]) {
      seen[s] = 1;
      frontier.push(s);
    }
  }
  let truncated = false;
  for (let d = 1; frontier.length > 0; d++) {
    if (d > maxDepth) {
      truncated = frontier.some((n) => {
        for (let k = graph.offsets[n]; k < graph.offsets[n + 1]; k++)
          if (!seen[graph.targets[k]]) return true;
        return false;
      });
      break;
    }
    const next: number[] = [];
    for (const n of frontier) {
      for (let k = graph.offsets[n]; k < graph.offsets[n + 1]; k++) {
        const t = graph.targets[k];
        if (seen[t]) continue;
        seen[t] = 1;
        next.push(t);
        affected.push(t);
        depth.push(d);
        via.push({
          from: n,
          to: t,
          relation: RELATION_CODES[graph.relations[k]],
          reverse: graph.reverse[k] === 1,
        });
      }
    }
    frontier = next;
  }
  return { affected: Int32Array.from(affected), depth: Int32Array.from(depth), via, truncated };
}

/** The whole path from a seed to `node`, using the `via` steps of an impact result. */
export function impactPath(result: ImpactResult, node: number): ImpactStep[] {
  const stepOf = new Map<number, ImpactStep>();
  for (const step of result.via) stepOf.set(step.to, step);
  const path: ImpactStep[] = [];
  for (let step = stepOf.get(node); step; step = stepOf.get(step.from)) path.unshift(step);
  return path;
}
