// CMDB impact analysis (CM-2): the raw traversals and the server's own code, in process. Runs as
// its own process (`node --import tsx bench/src/impact-raw.ts`). It takes the cached generated
// CMDB (generating it first when missing) and copies it into BENCH_IMPACT_DATA_DIR, where the real
// server then runs on it too. It loads the graph, picks the seed CIs of the three classes (small,
// medium, full reach) by their reach and prints them (one JSON line, ImpactRawSetup). Then, each
// time stdin says `measure <class>`, it times on that copy and prints one JSON line
// (ImpactClassRaw), until `quit`:
//   - the in-memory BFS: the server's ImpactGraphCache loads the adjacency, `impactOf` is timed alone;
//   - the recursive SQL query (WITH RECURSIVE over ci_relations, same direction rules, depth bound);
//   - the parts of the API's work, with the server's functions: analyseImpact as a whole and
//     impactJson, which writes the bytes the route sends.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../../packages/domain/src/clock';
import { impactOf, type AffectsGraph } from '../../packages/domain/src/cmdb/impact';
import { permissionsOf } from '../../packages/domain/src/identity/permissions';
import type { RequestContext } from '../../packages/server/src/context';
import { openSqlite } from '../../packages/server/src/db/database';
import { createAuditWriter } from '../../packages/server/src/modules/audit/audit.service';
import { ImpactGraphCache } from '../../packages/server/src/modules/cmdb/impact.graph';
import { impactJson } from '../../packages/server/src/modules/cmdb/impact.response';
import { analyseImpact } from '../../packages/server/src/modules/cmdb/impact.service';
import { median, secondsSince } from './audit-fixture';
import { ensureCmdbFixture } from './cmdb-fixture';
import {
  IMPACT_CLASSES,
  REFERENCE_SIZES,
  type ImpactClass,
  type ImpactClassRaw,
  type ImpactRawSetup,
  type ImpactSeed,
  type Stats,
} from './impact-types';
import { machineBusySeconds } from './proc';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const totalCis = env('BENCH_IMPACT_CIS', 100_000);
const totalRelations = env('BENCH_IMPACT_RELATIONS', totalCis * 10);
const fresh = process.env.BENCH_IMPACT_FRESH === '1';
const dataDir = process.env.BENCH_IMPACT_DATA_DIR;
const seedsPerClass = { small: 10, medium: 10, full: 5 };
/** Timed runs per seed: BFS, SQL and the in-process parts. */
const reps = {
  bfs: { small: 50, medium: 20, full: 5 },
  sql: { small: 3, medium: 1, full: 1 },
  parts: { small: 6, medium: 4, full: 3 },
};
/** Seconds the recursive SQL of one class may take in all (it takes seconds per full-reach query). */
const sqlBudgetSec = env('BENCH_IMPACT_SQL_BUDGET', 25);

if (!dataDir) throw new Error('BENCH_IMPACT_DATA_DIR is required');

/** A reproducible pseudo-random sequence for picking seed candidates (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const ms = (from: bigint) => secondsSince(from) * 1000;

function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
  return { n: s.length, p50: median(s), p95: at(0.95), max: s[s.length - 1] };
}

function reachOf(graph: AffectsGraph, node: number) {
  const r = impactOf(graph, [node], 20);
  return { reach: r.affected.length, eccentricity: r.depth.length ? r.depth[r.depth.length - 1] : 0 };
}

/** `count` elements evenly spread over a list sorted by reach (quantiles), without repeats. */
function spread<T>(sorted: T[], count: number): T[] {
  if (sorted.length <= count) return [...sorted];
  return Array.from({ length: count }, (_, i) => sorted[Math.round((i * (sorted.length - 1)) / (count - 1))]);
}

// 1. The generated CMDB, copied to the data directory the real server will use.
const fixture = await ensureCmdbFixture(totalCis, totalRelations, fresh);
const file = path.join(dataDir, 'releasegate.db');
let t = process.hrtime.bigint();
fs.mkdirSync(dataDir, { recursive: true });
fs.copyFileSync(fixture.file, file);
const copySec = secondsSince(t);

const db = openSqlite(file);
try {
  // 2. The same adjacency the server holds: its own cache class, on the same file.
  const cache = new ImpactGraphCache(db);
  t = process.hrtime.bigint();
  const loaded = await cache.current();
  const graphLoadSec = secondsSince(t);
  const { graph, ids } = loaded;

  const raw = new BetterSqlite3(file, { readonly: true });
  const info = new Map<string, { name: string; type: string }>();
  for (const row of raw.prepare('select id, name, type_key from cis').all() as {
    id: string;
    name: string;
    type_key: string;
  }[])
    info.set(row.id, { name: row.name, type: row.type_key });

  // 3. Seeds by reach. Small: 50–400 CIs (the size of the reference graphs of 69 and 346 CIs);
  //    medium: 1,000–5,000; full: at least 90 % of the estate. Candidates are a reproducible
  //    sample of applications, middleware and databases, and of servers, switches and storage.
  const random = prng(7);
  const upper: number[] = [];
  const lower: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    const type = info.get(ids[i])?.type;
    if (type === 'application' || type === 'middleware' || type === 'database') upper.push(i);
    else if (type === 'server' || type === 'network_device' || type === 'storage') lower.push(i);
  }
  const sample = (pool: number[], n: number) => {
    const chosen = new Set<number>();
    while (chosen.size < Math.min(n, pool.length)) chosen.add(pool[random(pool.length)]);
    return [...chosen];
  };
  const toSeed = (node: number, r: { reach: number; eccentricity: number }): ImpactSeed => ({
    id: ids[node],
    name: info.get(ids[node])!.name,
    type: info.get(ids[node])!.type,
    reach: r.reach,
    eccentricity: r.eccentricity,
  });
  const candidates = sample(upper, 6000)
    .map((node) => ({ node, ...reachOf(graph, node) }))
    .sort((a, b) => a.reach - b.reach || a.node - b.node);
  const small = candidates.filter((c) => c.reach >= 50 && c.reach <= 400);
  const medium = candidates.filter((c) => c.reach >= 1000 && c.reach <= 5000);
  const closest = (n: number) =>
    small.reduce((a, b) => (Math.abs(b.reach - n) < Math.abs(a.reach - n) ? b : a));
  const smallPicks = small.length ? REFERENCE_SIZES.map(closest) : [];
  const smallSeeds = [
    ...smallPicks,
    ...spread(
      small.filter((c) => !smallPicks.includes(c)),
      seedsPerClass.small - smallPicks.length,
    ),
  ].sort((a, b) => a.reach - b.reach);
  // Full reach: servers, switches and storage arrays, a mix of types.
  const fullCandidates = sample(lower, 200).sort((a, b) => a - b);
  const fullSeeds: { node: number; reach: number; eccentricity: number }[] = [];
  for (const type of ['server', 'network_device', 'storage', 'server', 'network_device', 'storage']) {
    const node = fullCandidates.find(
      (n) => info.get(ids[n])?.type === type && !fullSeeds.some((s) => s.node === n),
    );
    if (node === undefined) continue;
    const r = reachOf(graph, node);
    if (r.reach >= 0.9 * ids.length) fullSeeds.push({ node, ...r });
    if (fullSeeds.length === seedsPerClass.full) break;
  }
  const classSeeds: Record<ImpactClass, { node: number; reach: number; eccentricity: number }[]> = {
    small: smallSeeds,
    medium: spread(medium, seedsPerClass.medium),
    full: fullSeeds,
  };

  // 4. The recursive SQL query: the same direction rules as IMPACT_DIRECTION, bounded by depth.
  //    UNION (not UNION ALL) drops repeated (id, depth) rows so the recursion ends; without path
  //    tracking a CI is still visited again at every greater depth it can be reached at, which
  //    is what makes this query slow on a dense graph.
  const recursive = raw.prepare(`
    with recursive reach(id, depth) as (
      select @seed, 0
      union
      select r.source_id, reach.depth + 1 from reach join ci_relations r on r.target_id = reach.id
       where reach.depth < @depth and r.type in ('depends_on', 'runs_on', 'connects_to')
      union
      select r.target_id, reach.depth + 1 from reach join ci_relations r on r.source_id = reach.id
       where reach.depth < @depth and r.type in ('part_of', 'connects_to')
    )
    select id, min(depth) as depth from reach where id <> @seed group by id`);

  // 5. The server's code in process, for the parts of the API's time.
  const deps = {
    db,
    clock: systemClock,
    audit: createAuditWriter({ dialect: 'sqlite', clock: systemClock, algorithm: 'sha256' }),
    graph: cache,
  };
  const ctx: RequestContext = {
    principal: {
      userId: 'bench',
      username: 'bench.cmdb',
      displayName: 'Benchmark CMDB reader',
      roles: ['configuration_administrator'],
      permissions: permissionsOf(['configuration_administrator']),
      via: 'session',
      passwordExpired: false,
      mustEnrolSecondFactor: false,
    },
    sourceIp: '127.0.0.1',
    requestId: null,
  };

  // Warm-up (JIT) on the first seed of each class, outside the timings.
  for (const cls of IMPACT_CLASSES)
    for (const s of classSeeds[cls].slice(0, 1)) {
      impactOf(graph, [s.node], s.eccentricity);
      impactJson(await analyseImpact(deps, ctx, [ids[s.node]], Math.max(1, s.eccentricity)));
    }

  const depthOf = (cls: ImpactClass) => Math.max(1, ...classSeeds[cls].map((s) => s.eccentricity));
  const setup: ImpactRawSetup = {
    fixture,
    copySec,
    graphLoadSec,
    graphNodes: graph.nodeCount,
    graphEdges: graph.targets.length,
    classes: IMPACT_CLASSES.filter((cls) => classSeeds[cls].length > 0).map((cls) => ({
      cls,
      depth: depthOf(cls),
      seeds: classSeeds[cls].map((s) => toSeed(s.node, s)),
    })),
    referenceSeeds: smallPicks.map((c, i) => ({
      reference: REFERENCE_SIZES[i],
      seedId: ids[c.node],
      reach: c.reach,
    })),
  };

  /** Times one class: the BFS, the recursive SQL and the parts of the API's work. */
  const measure = async (cls: ImpactClass): Promise<ImpactClassRaw> => {
    const seeds = classSeeds[cls];
    const depth = depthOf(cls);
    const machine0 = machineBusySeconds();
    const own0 = process.cpuUsage();
    const timed0 = process.hrtime.bigint();
    const bfs: number[] = [];
    const sql: number[] = [];
    const bfsBySeed = new Map<string, number[]>();
    const sqlBySeed = new Map<string, number[]>();
    const note = (m: Map<string, number[]>, node: number, x: number) =>
      m.set(ids[node], [...(m.get(ids[node]) ?? []), x]);
    const service: number[] = [];
    const json: number[] = [];
    const bytes: number[] = [];
    for (let r = 0; r < reps.bfs[cls]; r++)
      for (const s of seeds) {
        t = process.hrtime.bigint();
        const result = impactOf(graph, [s.node], depth);
        bfs.push(ms(t));
        note(bfsBySeed, s.node, bfs[bfs.length - 1]);
        if (result.affected.length !== s.reach || result.truncated)
          throw new Error(
            `BFS from ${ids[s.node]} at depth ${depth}: ${result.affected.length} CIs, expected ${s.reach}`,
          );
      }
    const sqlStarted = process.hrtime.bigint();
    sqlRuns: for (let r = 0; r < reps.sql[cls]; r++)
      for (const s of seeds) {
        // The full reach takes seconds per query: stop after the budget, keeping at least two.
        if (sql.length >= 2 && secondsSince(sqlStarted) > sqlBudgetSec) break sqlRuns;
        t = process.hrtime.bigint();
        const found = recursive.all({ seed: ids[s.node], depth }) as { id: string; depth: number }[];
        sql.push(ms(t));
        note(sqlBySeed, s.node, sql[sql.length - 1]);
        if (r === 0) {
          // The same CIs at the same (shortest) depths as the BFS, or the comparison is void.
          const expected = impactOf(graph, [s.node], depth);
          const depthById = new Map<string, number>();
          expected.affected.forEach((node, k) => depthById.set(ids[node], expected.depth[k]));
          const wrong = found.filter((f) => depthById.get(f.id) !== f.depth);
          if (found.length !== expected.affected.length || wrong.length > 0)
            throw new Error(
              `recursive SQL from ${ids[s.node]}: ${found.length} CIs (${wrong.length} at another depth), BFS ${expected.affected.length}`,
            );
        }
      }
    for (let r = 0; r < reps.parts[cls]; r++)
      for (const s of seeds) {
        t = process.hrtime.bigint();
        const answer = await analyseImpact(deps, ctx, [ids[s.node]], depth);
        service.push(ms(t));
        t = process.hrtime.bigint();
        const body = impactJson(answer);
        json.push(ms(t));
        bytes.push(body.length);
        if (r === 0) {
          const report = JSON.parse(body.toString('utf8')) as { affected: unknown[]; affectedCount: number };
          if (report.affected.length !== s.reach || report.affectedCount !== s.reach)
            throw new Error(
              `the answer for ${ids[s.node]} lists ${report.affected.length} CIs, the BFS found ${s.reach}`,
            );
        }
      }
    const machine1 = machineBusySeconds();
    const own = process.cpuUsage(own0);
    const timedSec = secondsSince(timed0);
    return {
      cls,
      depth,
      seeds: seeds.map((s) => toSeed(s.node, s)),
      bfs: stats(bfs),
      sql: stats(sql),
      bfsPerSeed: Object.fromEntries([...bfsBySeed].map(([id, xs]) => [id, median(xs)])),
      sqlPerSeed: Object.fromEntries([...sqlBySeed].map(([id, xs]) => [id, median(xs)])),
      parts: {
        runs: service.length,
        service: median(service),
        json: median(json),
        bytes: median(bytes),
      },
      otherCpu:
        machine0 === null || machine1 === null
          ? null
          : Math.max(0, (machine1 - machine0 - (own.user + own.system) / 1e6) / timedSec),
      timedSec,
    };
  };

  // 6. Ready: the seeds go to the parent, which then asks for one class at a time, right before
  //    it measures the same class through the API (so both see the same neighbours), and says quit.
  process.stdout.write(`IMPACT_SEEDS ${JSON.stringify(setup)}\n`);
  const commands = readline.createInterface({ input: process.stdin });
  for await (const line of commands) {
    const [command, arg] = line.trim().split(/\s+/);
    if (command === 'quit') break;
    if (command !== 'measure' || !(IMPACT_CLASSES as readonly string[]).includes(arg))
      throw new Error(`impact-raw: unknown command ${line}`);
    const result = await measure(arg as ImpactClass);
    process.stdout.write(`IMPACT_CLASS ${arg} ${JSON.stringify(result)}\n`);
  }
  commands.close();
  process.stdin.destroy(); // or the open pipe keeps this process alive
  raw.close();
} finally {
  await db.destroy();
}
