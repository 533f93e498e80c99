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

/** The relation of an edge of the graph by its code (AffectsGraph.relations). */
export const RELATION_CODES: readonly RelationType[] = ['depends_on', 'runs_on', 'connects_to', 'part_of'];

/** Builds the affects graph from stored relations (source → target, typed). */
export function buildAffectsGraph(
  nodeCount: number,
  edges: Iterable<{ source: number; target: number; type: RelationType }>,
): AffectsGraph {
  const list = [...edges];
  return buildAffectsGraphFromArrays(
    nodeCount,
    Int32Array.from(list, (e) => e.source),
    Int32Array.from(list, (e) => e.target),
    Uint8Array.from(list, (e) => RELATION_CODES.indexOf(e.type)),
    list.length,
  );
}

/**
 * The same from relations held in typed arrays (`code` indexes RELATION_CODES): two passes, one
 * counting each node's neighbours and one placing them, and nothing allocated per relation.
 */
export function buildAffectsGraphFromArrays(
  nodeCount: number,
  source: Int32Array,
  target: Int32Array,
  code: Uint8Array,
  count: number,
): AffectsGraph {
  const backward = RELATION_CODES.map((t) => IMPACT_DIRECTION[t].targetAffectsSource);
  const forward = RELATION_CODES.map((t) => IMPACT_DIRECTION[t].sourceAffectsTarget);
  const offsets = new Int32Array(nodeCount + 1);
  for (let k = 0; k < count; k++) {
    if (backward[code[k]]) offsets[target[k] + 1]++;
    if (forward[code[k]]) offsets[source[k] + 1]++;
  }
  for (let i = 1; i <= nodeCount; i++) offsets[i] += offsets[i - 1];
  const fill = offsets.slice(0, nodeCount);
  const total = offsets[nodeCount];
  const targets = new Int32Array(total);
  const relations = new Uint8Array(total);
  const reverse = new Uint8Array(total);
  for (let k = 0; k < count; k++) {
    const c = code[k];
    if (backward[c]) {
      const at = fill[target[k]]++;
      targets[at] = source[k];
      relations[at] = c;
      reverse[at] = 1;
    }
    if (forward[c]) {
      const at = fill[source[k]]++;
      targets[at] = target[k];
      relations[at] = c;
    }
  }
  return { nodeCount, offsets, targets, relations, reverse };
}

export interface ImpactResult {
  /** Affected nodes in breadth-first order (nearest first), seeds excluded. */
  affected: Int32Array;
  /** depth[k] of affected[k]. */
  depth: Int32Array;
  /**
   * from[k]: the node whose change first reached affected[k] (a seed, or an affected node listed
   * before k). Follow it back to a seed for the whole path; every path is a shortest one.
   */
  from: Int32Array;
  /** edge[k]: the edge of the graph (an index into targets/relations/reverse) from from[k] to affected[k]. */
  edge: Int32Array;
  /** True when the depth bound stopped the search with more to reach. */
  truncated: boolean;
}

/** Buffers one graph's searches reuse (a search is synchronous, so one set per graph suffices). */
interface Scratch {
  /** seen[n] === stamp: node n was reached in the current search. */
  seen: Int32Array;
  stamp: number;
  queue: Int32Array;
  depth: Int32Array;
  from: Int32Array;
  edge: Int32Array;
}
const scratchOf = new WeakMap<AffectsGraph, Scratch>();

function scratchFor(graph: AffectsGraph): Scratch {
  let s = scratchOf.get(graph);
  if (!s) {
    const n = graph.nodeCount;
    s = {
      seen: new Int32Array(n),
      stamp: 0,
      queue: new Int32Array(n),
      depth: new Int32Array(n),
      from: new Int32Array(n),
      edge: new Int32Array(n),
    };
    scratchOf.set(graph, s);
  }
  if (s.stamp >= 0x7fffffff) {
    s.seen.fill(0);
    s.stamp = 0;
  }
  s.stamp++;
  return s;
}

/**
 * CM-2: every node affected by a change to the seeds, transitively, in the direction changes
 * travel, at most maxDepth steps away. Breadth-first, so each node's recorded path is a shortest
 * one. No object per step: the queue is the answer, and the path to each node is kept as the node
 * and edge that reached it (see impactStep / impactPath).
 */
export function impactOf(graph: AffectsGraph, seeds: readonly number[], maxDepth: number): ImpactResult {
  const { offsets, targets } = graph;
  const s = scratchFor(graph);
  const { seen, stamp, queue, depth, from, edge } = s;
  let tail = 0;
  for (const seed of seeds) {
    if (seed >= 0 && seed < graph.nodeCount && seen[seed] !== stamp) {
      seen[seed] = stamp;
      queue[tail++] = seed;
    }
  }
  const seedCount = tail;
  let head = 0;
  let truncated = false;
  for (let d = 1; head < tail; d++) {
    const levelEnd = tail;
    if (d > maxDepth) {
      // Is anything left that the bound keeps out?
      for (; head < levelEnd && !truncated; head++) {
        const n = queue[head];
        for (let k = offsets[n], end = offsets[n + 1]; k < end; k++)
          if (seen[targets[k]] !== stamp) {
            truncated = true;
            break;
          }
      }
      break;
    }
    for (; head < levelEnd; head++) {
      const n = queue[head];
      for (let k = offsets[n], end = offsets[n + 1]; k < end; k++) {
        const t = targets[k];
        if (seen[t] === stamp) continue;
        seen[t] = stamp;
        queue[tail] = t;
        depth[tail] = d;
        from[tail] = n;
        edge[tail] = k;
        tail++;
      }
    }
  }
  return {
    affected: queue.slice(seedCount, tail),
    depth: depth.slice(seedCount, tail),
    from: from.slice(seedCount, tail),
    edge: edge.slice(seedCount, tail),
    truncated,
  };
}

/** The relation type of an edge of the graph. */
export function edgeRelation(graph: AffectsGraph, edge: number): RelationType {
  return RELATION_CODES[graph.relations[edge]];
}

/** The step that reached affected[k] of an impact result. */
export function impactStep(graph: AffectsGraph, result: ImpactResult, k: number): ImpactStep {
  const e = result.edge[k];
  return {
    from: result.from[k],
    to: result.affected[k],
    relation: RELATION_CODES[graph.relations[e]],
    reverse: graph.reverse[e] === 1,
  };
}

/** The whole path from a seed to `node`, following the steps of an impact result back. */
export function impactPath(graph: AffectsGraph, result: ImpactResult, node: number): ImpactStep[] {
  const at = new Map<number, number>();
  for (let k = 0; k < result.affected.length; k++) at.set(result.affected[k], k);
  const path: ImpactStep[] = [];
  for (let k = at.get(node); k !== undefined; k = at.get(result.from[k]))
    path.unshift(impactStep(graph, result, k));
  return path;
}
