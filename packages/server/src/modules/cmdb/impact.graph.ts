import { buildAffectsGraph, isRelationType, type AffectsGraph } from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import { graphVersion, loadGraph } from './cmdb.repository';

export interface LoadedGraph {
  version: number;
  ids: string[];
  index: Map<string, number>;
  graph: AffectsGraph;
}

/**
 * The CMDB's "affects" graph held in memory in compact arrays, so impact analysis over a million
 * relations answers in milliseconds. Every relation change bumps a version in the database; each
 * request compares versions (one indexed read), so every server node reloads when it is stale.
 */
export class ImpactGraphCache {
  private loaded: LoadedGraph | undefined;
  private loading: { version: number; promise: Promise<LoadedGraph> } | undefined;

  constructor(private readonly db: Db) {}

  /** The graph as of now; inside a transaction pass its executor (SQLite has one connection). */
  async current(q: Kysely<Database> = this.db.kysely): Promise<LoadedGraph> {
    const version = await graphVersion(q);
    if (this.loaded?.version === version) return this.loaded;
    if (this.loading?.version !== version) {
      const promise = this.load(q, version);
      this.loading = { version, promise };
      promise
        .catch(() => undefined)
        .finally(() => {
          if (this.loading?.promise === promise) this.loading = undefined;
        });
    }
    return this.loading.promise;
  }

  private async load(q: Kysely<Database>, version: number): Promise<LoadedGraph> {
    const { ids, relations } = await loadGraph(q);
    const index = new Map<string, number>();
    ids.forEach((id, i) => index.set(id, i));
    const edges: {
      source: number;
      target: number;
      type: 'depends_on' | 'runs_on' | 'connects_to' | 'part_of';
    }[] = [];
    for (const r of relations) {
      const source = index.get(r.source);
      const target = index.get(r.target);
      if (source !== undefined && target !== undefined && isRelationType(r.type))
        edges.push({ source, target, type: r.type });
    }
    const loaded = { version, ids, index, graph: buildAffectsGraph(ids.length, edges) };
    if (!this.loaded || this.loaded.version <= version) this.loaded = loaded;
    return loaded;
  }
}
