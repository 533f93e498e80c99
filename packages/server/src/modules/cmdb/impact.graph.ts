import { buildAffectsGraph, isRelationType, type AffectsGraph, type RelationType } from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import { graphVersion, loadCiSummaries, loadGraph, type CiSummaryRow } from './cmdb.repository';

export interface LoadedGraph {
  version: number;
  ids: string[];
  index: Map<string, number>;
  graph: AffectsGraph;
  /** What the impact answer shows of each CI, aligned with `ids` (null: created after the load). */
  summaries: (CiSummaryRow | null)[];
  /** The same, as bits per node for counting without reading the objects: SUMMARY | CRITICAL | SERVICE. */
  flags: Uint8Array;
  summaryVersion: number;
}

/** Bits of LoadedGraph.flags: the node has a summary; it is critical; it is a business service. */
export const NODE_FLAGS = { SUMMARY: 1, CRITICAL: 2, SERVICE: 4 } as const;

export const nodeFlags = (summary: CiSummaryRow | null): number =>
  !summary
    ? 0
    : NODE_FLAGS.SUMMARY |
      (summary.critical ? NODE_FLAGS.CRITICAL : 0) |
      (summary.type === 'service' ? NODE_FLAGS.SERVICE : 0);

/**
 * The CMDB's "affects" graph held in memory in compact arrays, so impact analysis over a million
 * relations answers in milliseconds, with the few fields an answer shows of each CI beside it.
 * Relation changes bump graph_version (reload everything); CI edits bump ci_version (reload the
 * summaries only). Each request compares both (one indexed read), so every node stays current.
 */
export class ImpactGraphCache {
  private loaded: LoadedGraph | undefined;
  private loading: { key: string; promise: Promise<LoadedGraph> } | undefined;

  constructor(private readonly db: Db) {}

  /** The graph as of now; inside a transaction pass its executor (SQLite has one connection). */
  async current(q: Kysely<Database> = this.db.kysely): Promise<LoadedGraph> {
    const version = await graphVersion(q);
    const loaded = this.loaded;
    if (loaded?.version === version.graph && loaded.summaryVersion === version.cis) return loaded;
    const key = `${version.graph}/${version.cis}`;
    if (this.loading?.key !== key) {
      const promise =
        loaded?.version === version.graph
          ? this.refreshSummaries(q, loaded, version.cis)
          : this.load(q, version.graph, version.cis);
      this.loading = { key, promise };
      promise
        .catch(() => undefined)
        .finally(() => {
          if (this.loading?.promise === promise) this.loading = undefined;
        });
    }
    return this.loading.promise;
  }

  private async load(q: Kysely<Database>, version: number, summaryVersion: number): Promise<LoadedGraph> {
    const { ids, relations } = await loadGraph(q);
    const index = new Map<string, number>();
    ids.forEach((id, i) => index.set(id, i));
    const edges: { source: number; target: number; type: RelationType }[] = [];
    for (const r of relations) {
      const source = index.get(r.source);
      const target = index.get(r.target);
      if (source !== undefined && target !== undefined && isRelationType(r.type))
        edges.push({ source, target, type: r.type });
    }
    const base = { version, ids, index, graph: buildAffectsGraph(ids.length, edges) };
    return this.keep({ ...base, ...(await this.summariesFor(q, base.ids, base.index)), summaryVersion });
  }

  private async refreshSummaries(
    q: Kysely<Database>,
    loaded: LoadedGraph,
    summaryVersion: number,
  ): Promise<LoadedGraph> {
    return this.keep({
      ...loaded,
      ...(await this.summariesFor(q, loaded.ids, loaded.index)),
      summaryVersion,
    });
  }

  private async summariesFor(q: Kysely<Database>, ids: string[], index: Map<string, number>) {
    const summaries: (CiSummaryRow | null)[] = new Array<CiSummaryRow | null>(ids.length).fill(null);
    const flags = new Uint8Array(ids.length);
    for (const row of await loadCiSummaries(q)) {
      const i = index.get(row.id);
      if (i === undefined) continue;
      summaries[i] = row;
      flags[i] = nodeFlags(row);
    }
    return { summaries, flags };
  }

  private keep(next: LoadedGraph): LoadedGraph {
    const current = this.loaded;
    if (
      !current ||
      current.version < next.version ||
      (current.version === next.version && current.summaryVersion <= next.summaryVersion)
    )
      this.loaded = next;
    return next;
  }
}
