// The results impact-raw.ts prints (one JSON line) and the parent reads: kept apart so that
// importing them runs nothing.
import os from 'node:os';
import path from 'node:path';
import type { CmdbFixture } from './cmdb-fixture';

/** Bump when the shape of the generated estate changes: old cache files are then ignored. */
export const GENERATOR_VERSION = 1;
export const CACHE_ROOT = path.join(os.tmpdir(), 'releasegate-bench-cmdb');

export type ImpactClass = 'small' | 'medium' | 'full';
export const IMPACT_CLASSES: readonly ImpactClass[] = ['small', 'medium', 'full'];

export interface ImpactSeed {
  id: string;
  name: string;
  type: string;
  /** CIs a change to this seed affects (seed excluded), and the depth of the farthest one. */
  reach: number;
  eccentricity: number;
}

export interface Stats {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

export interface ImpactClassRaw {
  cls: ImpactClass;
  /** Depth used for this class by the API, the BFS and the SQL: the farthest CI of any seed. */
  depth: number;
  seeds: ImpactSeed[];
  /** Milliseconds per query, and the median per seed id. */
  bfs: Stats;
  sql: Stats;
  bfsPerSeed: Record<string, number>;
  sqlPerSeed: Record<string, number>;
  /** The server's code in process (milliseconds, medians): the parts of the API's work. */
  parts: {
    runs: number;
    /** analyseImpact as a whole: graph-version read, seeds, BFS, counting. */
    service: number;
    /** impactJson: the answer's bytes, as the route sends them. */
    json: number;
    /** Response bytes (median). */
    bytes: number;
  };
  /** Share of a core used by other processes while this class was timed, and the seconds it took. */
  otherCpu: number | null;
  timedSec: number;
}

/** What impact-raw.ts knows before any timing: the CMDB, the graph load and the seeds. */
export interface ImpactRawSetup {
  fixture: CmdbFixture;
  copySec: number;
  /** The server's ImpactGraphCache loading every CI id and relation from SQLite (cold). */
  graphLoadSec: number;
  graphNodes: number;
  graphEdges: number;
  classes: Pick<ImpactClassRaw, 'cls' | 'depth' | 'seeds'>[];
  /** Small seeds whose reach is closest to the reference sizes (69 and 346 CIs). */
  referenceSeeds: { reference: number; seedId: string; reach: number }[];
}

export interface ImpactRawResult extends Omit<ImpactRawSetup, 'classes'> {
  classes: ImpactClassRaw[];
}

/** The reference sizes of the brief: the best-known open-source CMDB, 0.4 s for 69 CIs, 2.4 s for 346. */
export const REFERENCE_SIZES = [69, 346];
