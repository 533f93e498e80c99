import {
  RELATION_CODES,
  buildAffectsGraphFromArrays,
  isRelationType,
  type AffectsGraph,
} from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import {
  CHANGE_LOG_KEPT,
  changeSeq,
  changesBetween,
  ciSummariesOf,
  loadCiSummaries,
  loadGraph,
  type CiSummaryRow,
  type GraphChange,
} from './cmdb.repository';

/** The stored relations in node indexes (source → target, the relation's code in RELATION_CODES). */
export interface EdgeList {
  source: Int32Array;
  target: Int32Array;
  code: Uint8Array;
  count: number;
}

export interface LoadedGraph {
  /** The change log entry this copy is current to. */
  seq: number;
  /** Node ids; a retired CI keeps its slot, without summary, relations or index entry. */
  ids: string[];
  index: Map<string, number>;
  graph: AffectsGraph;
  edges: EdgeList;
  /** What the impact answer shows of each CI, aligned with `ids` (null: retired). */
  summaries: (CiSummaryRow | null)[];
  /** The same, as bits per node for counting without reading the objects: SUMMARY | CRITICAL | SERVICE. */
  flags: Uint8Array;
}

/** Bits of LoadedGraph.flags: the node has a summary; it is critical; it is a business service. */
export const NODE_FLAGS = { SUMMARY: 1, CRITICAL: 2, SERVICE: 4 } as const;

export const nodeFlags = (summary: CiSummaryRow | null): number =>
  !summary
    ? 0
    : NODE_FLAGS.SUMMARY |
      (summary.critical ? NODE_FLAGS.CRITICAL : 0) |
      (summary.type === 'service' ? NODE_FLAGS.SERVICE : 0);

const adjacencyOf = (nodeCount: number, edges: EdgeList) =>
  buildAffectsGraphFromArrays(nodeCount, edges.source, edges.target, edges.code, edges.count);

/**
 * Applies logged changes to a copy of the graph (the old copy may still be serving requests):
 * CIs created are appended, retired ones leave the index, shown fields are refreshed, and the
 * relations added or removed rebuild the compact adjacency from the edge list held in memory.
 * `cis` has the current row of every CI a 'ci' change names.
 *
 * Relations are a set and the last change to each one decides, so applying changes the copy
 * already holds (a load reads rows committed after the number it started from) changes nothing.
 */
export function applyGraphChanges(
  loaded: LoadedGraph,
  seq: number,
  changes: readonly GraphChange[],
  cis: ReadonlyMap<string, CiSummaryRow & { active: boolean }>,
): LoadedGraph {
  // Copies only when CIs changed: the same summaries keep their encoded answer pieces.
  const ciChanged = changes.some((c) => c.kind === 'ci');
  const ids = ciChanged ? loaded.ids.slice() : loaded.ids;
  const index = ciChanged ? new Map(loaded.index) : loaded.index;
  const summaries = ciChanged ? loaded.summaries.slice() : loaded.summaries;
  const flags: number[] | Uint8Array = ciChanged ? Array.from(loaded.flags) : loaded.flags;
  let nodesAdded = false;
  // Retired CIs leave the index only after their relations' entries are applied.
  const retired: string[] = [];
  for (const change of changes) {
    if (change.kind !== 'ci') continue;
    const row = cis.get(change.ciId);
    let node = index.get(change.ciId);
    if (!row?.active) {
      // Retired (its relations were removed by their own entries), or never committed.
      if (node !== undefined) {
        summaries[node] = null;
        flags[node] = 0;
        retired.push(change.ciId);
      }
      continue;
    }
    if (node === undefined) {
      node = ids.length;
      ids.push(change.ciId);
      summaries.push(null);
      index.set(change.ciId, node);
      nodesAdded = true;
    }
    const { active: _active, ...summary } = row;
    summaries[node] = summary;
    flags[node] = nodeFlags(summary);
  }

  // The last change to each relation, keyed by its ends and type.
  const last = new Map<number, boolean>();
  const keyOf = (source: number, target: number, code: number) => (source * ids.length + target) * 4 + code;
  for (const change of changes) {
    if (change.kind === 'ci' || !isRelationType(change.type)) continue;
    const source = index.get(change.sourceId);
    const target = index.get(change.targetId);
    if (source === undefined || target === undefined) continue;
    last.set(keyOf(source, target, RELATION_CODES.indexOf(change.type)), change.kind === 'relation_added');
  }
  let edges = loaded.edges;
  if (last.size > 0) {
    const room = edges.count + last.size;
    const next: EdgeList = {
      source: new Int32Array(room),
      target: new Int32Array(room),
      code: new Uint8Array(room),
      count: 0,
    };
    const put = (source: number, target: number, code: number) => {
      next.source[next.count] = source;
      next.target[next.count] = target;
      next.code[next.count] = code;
      next.count++;
    };
    // A million relations: plain locals, no array or call per relation on this loop.
    const n = ids.length;
    const { source: src, target: dst, code: codes } = edges;
    // Only relations from a node some change starts at need the lookup.
    const touched = new Uint8Array(n);
    for (const key of last.keys()) touched[Math.floor((key - (key % 4)) / 4 / n)] = 1;
    for (let k = 0; k < edges.count; k++) {
      if (touched[src[k]] === 1 && last.has((src[k] * n + dst[k]) * 4 + codes[k])) continue;
      next.source[next.count] = src[k];
      next.target[next.count] = dst[k];
      next.code[next.count] = codes[k];
      next.count++;
    }
    for (const [key, present] of last) {
      if (!present) continue;
      const code = key % 4;
      const pair = (key - code) / 4;
      put(Math.floor(pair / ids.length), pair % ids.length, code);
    }
    edges = next;
  }
  for (const id of retired) if (!summaries[index.get(id) ?? -1]) index.delete(id);
  return {
    seq,
    ids,
    index,
    edges,
    graph: nodesAdded || last.size > 0 ? adjacencyOf(ids.length, edges) : loaded.graph,
    summaries,
    flags: ciChanged ? Uint8Array.from(flags) : loaded.flags,
  };
}

/**
 * The CMDB's "affects" graph held in memory in compact arrays, so impact analysis over a million
 * relations answers in milliseconds, with the few fields an answer shows of each CI beside it.
 * Every change to a CI or a relation is an entry of the change log; each request reads the latest
 * entry's number (one indexed read) and, when its copy is behind, applies the entries since —
 * a reload of every CI and relation happens only at start or when the copy is too far behind.
 */
export class ImpactGraphCache {
  private loaded: LoadedGraph | undefined;
  private loading: { seq: number; promise: Promise<LoadedGraph> } | undefined;
  /** How the copy was brought up to date: for tests and the benchmark. */
  readonly stats = { loads: 0, updates: 0 };

  constructor(
    private readonly db: Db,
    /** More entries behind than this: reload rather than apply them. */
    private readonly maxChanges = 5_000,
  ) {}

  /**
   * The graph as of now; inside a transaction pass its executor (SQLite has one connection). A
   * copy read inside a transaction may hold its uncommitted changes, so it is used but not kept.
   */
  async current(q: Kysely<Database> = this.db.kysely): Promise<LoadedGraph> {
    const seq = await changeSeq(q);
    const loaded = this.loaded;
    if (loaded?.seq === seq) return loaded;
    if (q.isTransaction) return this.advance(q, loaded, seq);
    if (this.loading?.seq !== seq) {
      const promise = this.advance(q, loaded, seq).then((next) => this.keep(next));
      this.loading = { seq, promise };
      promise
        .catch(() => undefined)
        .finally(() => {
          if (this.loading?.promise === promise) this.loading = undefined;
        });
    }
    return this.loading.promise;
  }

  private async advance(q: Kysely<Database>, loaded: LoadedGraph | undefined, seq: number) {
    const behind = loaded ? seq - loaded.seq : Infinity;
    if (!loaded || behind < 0 || behind > Math.min(this.maxChanges, CHANGE_LOG_KEPT))
      return this.load(q, seq);
    const changes = await changesBetween(q, loaded.seq, seq);
    // Fewer entries than numbers: the log was pruned meanwhile.
    if (changes.length !== behind) return this.load(q, seq);
    const named = [...new Set(changes.flatMap((c) => (c.kind === 'ci' ? [c.ciId] : [])))];
    const cis = new Map((await ciSummariesOf(q, named)).map((c) => [c.id, c]));
    this.stats.updates++;
    return applyGraphChanges(loaded, seq, changes, cis);
  }

  private async load(q: Kysely<Database>, seq: number): Promise<LoadedGraph> {
    this.stats.loads++;
    const { ids, relations } = await loadGraph(q);
    const index = new Map<string, number>();
    ids.forEach((id, i) => index.set(id, i));
    const edges: EdgeList = {
      source: new Int32Array(relations.length),
      target: new Int32Array(relations.length),
      code: new Uint8Array(relations.length),
      count: 0,
    };
    for (const r of relations) {
      const source = index.get(r.source);
      const target = index.get(r.target);
      if (source === undefined || target === undefined || !isRelationType(r.type)) continue;
      edges.source[edges.count] = source;
      edges.target[edges.count] = target;
      edges.code[edges.count] = RELATION_CODES.indexOf(r.type);
      edges.count++;
    }
    const summaries: (CiSummaryRow | null)[] = new Array<CiSummaryRow | null>(ids.length).fill(null);
    const flags = new Uint8Array(ids.length);
    for (const row of await loadCiSummaries(q)) {
      const i = index.get(row.id);
      if (i === undefined) continue;
      summaries[i] = row;
      flags[i] = nodeFlags(row);
    }
    return { seq, ids, index, edges, graph: adjacencyOf(ids.length, edges), summaries, flags };
  }

  private keep(next: LoadedGraph): LoadedGraph {
    if (!this.loaded || this.loaded.seq <= next.seq) this.loaded = next;
    return next;
  }
}
