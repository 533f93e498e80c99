// Sizing the fix for CMDB impact analysis (not part of `npm run bench`; the server is not changed).
//   npx tsx bench/src/experiments/impact-prototype.ts      (BENCH_IMPACT_CIS, default 100000)
// On a copy of the benchmark's generated CMDB (cached; generated first when missing), in process:
//   - the graph load: the server's ImpactGraphCache against better-sqlite3 raw rows;
//   - the response of GET /api/cmdb/cis/:id/impact as the route builds it today (analyseImpact,
//     zod encode, JSON.stringify) against prototypes that read the rows differently or not at
//     all, build the same JSON without zod, or answer a first page;
//   - what sending the full-reach body over HTTP costs by itself (a bare node:http server in a
//     child process, the same client as the benchmark).
// Every prototype that claims the same answer must produce the same JSON as today, or it fails.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import BetterSqlite3 from 'better-sqlite3';
import { safeEncode } from 'zod/v4/core';
import { systemClock } from '../../../packages/domain/src/clock';
import {
  buildAffectsGraph,
  impactOf,
  type AffectsGraph,
  type ImpactResult,
} from '../../../packages/domain/src/cmdb/impact';
import { RELATION_TYPES, type RelationType } from '../../../packages/domain/src/cmdb/relations';
import { permissionsOf } from '../../../packages/domain/src/identity/permissions';
import type { RequestContext } from '../../../packages/server/src/context';
import { openSqlite } from '../../../packages/server/src/db/database';
import { createAuditWriter } from '../../../packages/server/src/modules/audit/audit.service';
import { impactView } from '../../../packages/server/src/modules/cmdb/cmdb.schemas';
import { ImpactGraphCache } from '../../../packages/server/src/modules/cmdb/impact.graph';
import { analyseImpact, type ImpactReport } from '../../../packages/server/src/modules/cmdb/impact.service';
import { median, secondsSince } from '../audit-fixture';
import { ensureCmdbFixture } from '../cmdb-fixture';
import { machineBusySeconds, startChild } from '../proc';

const cis = Number(process.env.BENCH_IMPACT_CIS ?? 100_000);
// A full collection before every timed answer: the garbage one variant leaves (today's makes 98,000
// row objects per answer) must not be collected on the next variant's time.
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;
const out = (line = '') => process.stdout.write(`${line}\n`);
const ms = (from: bigint) => secondsSince(from) * 1000;
const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

const fixture = await ensureCmdbFixture(cis, cis * 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-impact-prototype-'));
const file = path.join(dir, 'releasegate.db');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true })); // also after a failed check
fs.copyFileSync(fixture.file, file);
const db = openSqlite(file);
const raw = new BetterSqlite3(file, { readonly: true });

/** Summary columns of every active CI, aligned with the graph's node indexes (prototype C on). */
interface Summaries {
  name: string[];
  type: string[];
  environment: string[];
  critical: Uint8Array;
}

/** Graph load, today: the server's cache (Kysely rows as objects, then the CSR arrays). */
const cache = new ImpactGraphCache(db);
async function loadToday() {
  return cache.current();
}

/** Graph load, prototype: better-sqlite3 raw rows straight into the CSR arrays; with summaries. */
function loadRaw(withSummaries: boolean) {
  const ids: string[] = [];
  const summaries: Summaries = { name: [], type: [], environment: [], critical: new Uint8Array(0) };
  const critical: number[] = [];
  const index = new Map<string, number>();
  const ciQuery = withSummaries
    ? "select id, name, type_key, environment, critical from cis where status = 'active'"
    : "select id from cis where status = 'active'";
  for (const row of raw.prepare(ciQuery).raw().iterate() as Iterable<unknown[]>) {
    index.set(row[0] as string, ids.length);
    ids.push(row[0] as string);
    if (withSummaries) {
      summaries.name.push(row[1] as string);
      summaries.type.push(row[2] as string);
      summaries.environment.push(row[3] as string);
      critical.push(row[4] as number);
    }
  }
  summaries.critical = Uint8Array.from(critical);
  const edge = { source: 0, target: 0, type: 'depends_on' as RelationType };
  function* edges() {
    for (const row of raw
      .prepare('select source_id, target_id, type from ci_relations')
      .raw()
      .iterate() as Iterable<string[]>) {
      const source = index.get(row[0]);
      const target = index.get(row[1]);
      if (source === undefined || target === undefined) continue;
      if (!(RELATION_TYPES as readonly string[]).includes(row[2])) continue;
      edge.source = source;
      edge.target = target;
      edge.type = row[2] as RelationType;
      yield edge; // buildAffectsGraph reads each edge at once: one object is enough
    }
  }
  return { ids, index, graph: buildAffectsGraph(ids.length, edges()), summaries };
}

let t = process.hrtime.bigint();
const today = await loadToday();
const loadTodaySec = secondsSince(t);
t = process.hrtime.bigint();
loadRaw(false);
const loadRawSec = secondsSince(t);
t = process.hrtime.bigint();
const proto = loadRaw(true);
const loadRawSummariesSec = secondsSince(t);
t = process.hrtime.bigint();
raw.prepare("select id, name, type_key, environment, critical from cis where status = 'active'").raw().all();
const loadSummariesSec = secondsSince(t);
if (proto.ids.length !== today.ids.length || proto.graph.targets.length !== today.graph.targets.length)
  throw new Error('the raw load built another graph');
const { graph, ids } = today;
const summaries = proto.summaries; // aligned with today's indexes: both read cis in the same order
if (proto.ids.some((id, i) => id !== ids[i])) throw new Error('the raw load ordered the CIs differently');

/** BFS with typed arrays and reused scratch buffers: no object per affected CI. */
const scratch = {
  seen: new Uint8Array(graph.nodeCount),
  queue: new Int32Array(graph.nodeCount + 1),
  edge: new Int32Array(graph.nodeCount + 1),
  from: new Int32Array(graph.nodeCount + 1),
  depth: new Int32Array(graph.nodeCount + 1),
};
function impactTyped(g: AffectsGraph, seed: number, maxDepth: number) {
  const { seen, queue, edge, from, depth } = scratch;
  let tail = 0;
  queue[tail++] = seed;
  seen[seed] = 1;
  let start = 0;
  let truncated = false;
  for (let d = 1; start < tail; d++) {
    const end = tail;
    for (let i = start; i < end; i++) {
      const n = queue[i];
      for (let k = g.offsets[n]; k < g.offsets[n + 1]; k++) {
        const to = g.targets[k];
        if (seen[to]) continue;
        if (d > maxDepth) {
          truncated = true;
          break;
        }
        seen[to] = 1;
        queue[tail] = to;
        edge[tail] = k;
        from[tail] = n;
        depth[tail] = d;
        tail++;
      }
    }
    if (d > maxDepth) break;
    start = end;
  }
  for (let i = 0; i < tail; i++) seen[queue[i]] = 0; // ready for the next call
  return { count: tail - 1, queue, edge, from, depth, truncated };
}

const CODES = ['depends_on', 'runs_on', 'connects_to', 'part_of'] as const;
const ctx: RequestContext = {
  principal: {
    userId: 'bench',
    username: 'bench.cmdb',
    displayName: 'Benchmark CMDB reader',
    roles: ['configuration_administrator'],
    permissions: permissionsOf(['configuration_administrator']),
    via: 'session',
    passwordExpired: false,
  },
  sourceIp: '127.0.0.1',
  requestId: null,
};
const deps = {
  db,
  clock: systemClock,
  audit: createAuditWriter({ dialect: 'sqlite', clock: systemClock, algorithm: 'sha256' }),
  graph: cache,
};

type Summary = { id: string; name: string; type: string; environment: string; critical: boolean };
/** The same report analyseImpact builds, from the BFS result and a summary lookup. */
function report(
  seed: number,
  result: ImpactResult,
  summary: (i: number) => Summary | undefined,
  maxDepth: number,
) {
  const affected: ImpactReport['affected'] = [];
  for (let k = 0; k < result.affected.length; k++) {
    const s = summary(result.affected[k]);
    if (!s) continue;
    const step = result.via[k];
    // Field by field, as analyseImpact does (an object spread here costs ~2 µs per CI).
    affected.push({
      id: s.id,
      name: s.name,
      type: s.type,
      environment: s.environment,
      critical: s.critical,
      depth: result.depth[k],
      via: { fromId: ids[step.from], relation: step.relation, reverse: step.reverse },
    });
  }
  const seedSummary = summary(seed)!;
  return {
    seeds: [seedSummary],
    affected,
    services: affected.filter((a) => a.type === 'service').map((a) => a.id),
    criticalCount: affected.filter((a) => a.critical).length,
    truncated: result.truncated,
    maxDepth,
  };
}
const fromMemory = (i: number): Summary => ({
  id: ids[i],
  name: summaries.name[i],
  type: summaries.type[i],
  environment: summaries.environment[i],
  critical: summaries.critical[i] === 1,
});
const narrow = raw.prepare(
  'select id, name, type_key as type, environment, critical from cis where id in (select value from json_each(?))',
);

type Variant = (seed: number, depth: number) => Promise<string>;
const variants: { name: string; sameAnswer: boolean; run: Variant }[] = [
  {
    name: 'today: analyseImpact (findCisByIds, 500 ids per query) + zod encode + JSON.stringify',
    sameAnswer: true,
    run: async (seed, depth) => {
      const r = await analyseImpact(deps, ctx, [ids[seed]], depth);
      const encoded = safeEncode(impactView, r);
      if (!encoded.success) throw new Error(encoded.error.message);
      return JSON.stringify(encoded.data);
    },
  },
  {
    name: 'B  rows by one narrow query (json_each, cached statement), no zod',
    sameAnswer: true,
    run: async (seed, depth) => {
      const result = impactOf(graph, [seed], depth);
      const wanted = [seed, ...result.affected].map((i) => ids[i]);
      const byId = new Map(
        (narrow.all(JSON.stringify(wanted)) as (Omit<Summary, 'critical'> & { critical: number })[]).map(
          (r) => [r.id, { ...r, critical: r.critical === 1 }],
        ),
      );
      return JSON.stringify(report(seed, result, (i) => byId.get(ids[i]), depth));
    },
  },
  {
    name: 'C  summaries held with the graph (no row reads), no zod',
    sameAnswer: true,
    run: async (seed, depth) =>
      JSON.stringify(report(seed, impactOf(graph, [seed], depth), fromMemory, depth)),
  },
  {
    name: 'D  C + typed-array BFS (no object per step), no zod',
    sameAnswer: true,
    run: async (seed, depth) => {
      const r = impactTyped(graph, seed, depth);
      const affected: ImpactReport['affected'] = [];
      const services: string[] = [];
      let criticalCount = 0;
      for (let k = 1; k <= r.count; k++) {
        const i = r.queue[k];
        const e = r.edge[k];
        const critical = summaries.critical[i] === 1;
        affected.push({
          id: ids[i],
          name: summaries.name[i],
          type: summaries.type[i],
          environment: summaries.environment[i],
          critical,
          depth: r.depth[k],
          via: {
            fromId: ids[r.from[k]],
            relation: CODES[graph.relations[e]],
            reverse: graph.reverse[e] === 1,
          },
        });
        if (summaries.type[i] === 'service') services.push(ids[i]);
        if (critical) criticalCount++;
      }
      return JSON.stringify({
        seeds: [fromMemory(seed)],
        affected,
        services,
        criticalCount,
        truncated: r.truncated,
        maxDepth: depth,
      });
    },
  },
  {
    name: 'E  D, but a first page of 200 CIs plus counts (another API contract)',
    sameAnswer: false,
    run: async (seed, depth) => {
      const r = impactTyped(graph, seed, depth);
      const byType: Record<string, number> = {};
      const services: string[] = [];
      let critical = 0;
      for (let k = 1; k <= r.count; k++) {
        const i = r.queue[k];
        byType[summaries.type[i]] = (byType[summaries.type[i]] ?? 0) + 1;
        if (summaries.type[i] === 'service') services.push(ids[i]);
        if (summaries.critical[i] === 1) critical++;
      }
      const page = [];
      for (let k = 1; k <= Math.min(r.count, 200); k++) {
        const i = r.queue[k];
        const e = r.edge[k];
        page.push({
          id: ids[i],
          name: summaries.name[i],
          type: summaries.type[i],
          environment: summaries.environment[i],
          critical: summaries.critical[i] === 1,
          depth: r.depth[k],
          via: {
            fromId: ids[r.from[k]],
            relation: CODES[graph.relations[e]],
            reverse: graph.reverse[e] === 1,
          },
        });
      }
      return JSON.stringify({
        seeds: [fromMemory(seed)],
        total: r.count,
        byType,
        services: services.slice(0, 200),
        serviceCount: services.length,
        criticalCount: critical,
        affected: page,
        next: r.count > 200 ? 'cursor' : null,
        truncated: r.truncated,
        maxDepth: depth,
      });
    },
  },
];

// Seeds: a reproducible spread of small (50–400 CIs), medium (1,000–5,000) and full reaches.
const reachOf = (i: number) => impactOf(graph, [i], 20);
const upper = ids
  .map((_, i) => i)
  .filter((i) => ['application', 'middleware', 'database'].includes(summaries.type[i]));
const lower = ids
  .map((_, i) => i)
  .filter((i) => ['server', 'network_device', 'storage'].includes(summaries.type[i]));
const sample: { node: number; reach: number; depth: number }[] = [];
const step = Math.max(1, Math.floor(upper.length / 4000));
for (const i of [...upper.filter((_, k) => k % step === 0), ...lower.slice(0, 5)]) {
  const r = reachOf(i);
  sample.push({ node: i, reach: r.affected.length, depth: r.depth[r.depth.length - 1] ?? 1 });
}
const pick = (lo: number, hi: number, n: number) => {
  const inRange = sample.filter((s) => s.reach >= lo && s.reach <= hi).sort((a, b) => a.reach - b.reach);
  return Array.from(
    { length: Math.min(n, inRange.length) },
    (_, k) => inRange[Math.floor((k * (inRange.length - 1)) / Math.max(1, n - 1))],
  );
};
const classes = [
  { cls: 'small', seeds: pick(50, 400, 5), reps: 20 },
  { cls: 'medium', seeds: pick(1000, 5000, 5), reps: 5 },
  { cls: 'full', seeds: pick(0.9 * ids.length, ids.length, 3), reps: 3 },
];

out(
  `impact prototypes on ${fixture.cis.toLocaleString('en-US')} CIs and ${fixture.relations.toLocaleString('en-US')} relations`,
);
out(
  `graph load: today (ImpactGraphCache) ${loadTodaySec.toFixed(2)} s; raw rows into the arrays ${loadRawSec.toFixed(2)} s; the same plus name/type/environment/critical ${loadRawSummariesSec.toFixed(2)} s; those four columns alone ${loadSummariesSec.toFixed(2)} s`,
);
out();
out('ms per answer, median (the JSON body the route would send, built in process; HTTP not included)');
const header = ['variant', ...classes.map((c) => `${c.cls} (${c.seeds.map((s) => s.reach).join('/')})`)];
const rows: string[][] = [];
const bfsRow = ['BFS alone: impactOf (today)'];
const typedRow = ['BFS alone: typed arrays, reused buffers'];
const bodies = new Map<string, number>();
for (const c of classes) {
  const depth = Math.max(...c.seeds.map((s) => s.depth));
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < Math.max(3, c.reps); r++)
    for (const s of c.seeds) {
      t = process.hrtime.bigint();
      impactOf(graph, [s.node], depth);
      a.push(ms(t));
      t = process.hrtime.bigint();
      const typed = impactTyped(graph, s.node, depth);
      b.push(ms(t));
      if (typed.count !== s.reach) throw new Error('typed BFS disagrees');
    }
  bfsRow.push(f(median(a)));
  typedRow.push(f(median(b)));
}
// Checks first: every prototype that claims today's answer gives it, for every seed.
for (const c of classes) {
  const depth = Math.max(...c.seeds.map((s) => s.depth));
  for (const s of c.seeds) {
    const reference = JSON.parse(await variants[0].run(s.node, depth)) as unknown;
    for (const v of variants) {
      const body = await v.run(s.node, depth);
      if (v.sameAnswer && !isDeepStrictEqual(JSON.parse(body), reference))
        throw new Error(`${v.name}: another answer than today for ${ids[s.node]}`);
      bodies.set(`${v.name}|${c.cls}`, body.length);
    }
  }
}
// Then alternating rounds (every variant on every seed, round after round), so that neighbours
// and garbage collection hit all variants alike; the figure is the median.
const timesOf = new Map<string, number[]>();
const machine0 = machineBusySeconds();
const own0 = process.cpuUsage();
const timed0 = process.hrtime.bigint();
for (const c of classes) {
  const depth = Math.max(...c.seeds.map((s) => s.depth));
  for (let r = 0; r < c.reps; r++)
    for (const v of variants)
      for (const s of c.seeds) {
        collect();
        t = process.hrtime.bigint();
        await v.run(s.node, depth);
        const key = `${v.name}|${c.cls}`;
        timesOf.set(key, [...(timesOf.get(key) ?? []), ms(t)]);
      }
}
const machine1 = machineBusySeconds();
const own1 = process.cpuUsage(own0);
const timedSec = secondsSince(timed0);
const otherCpu =
  machine0 === null || machine1 === null
    ? null
    : Math.max(0, (machine1 - machine0 - (own1.user + own1.system) / 1e6) / timedSec);
for (const v of variants)
  rows.push([
    v.name,
    ...classes.map((c) => {
      const key = `${v.name}|${c.cls}`;
      return `${f(median(timesOf.get(key)!))} (${Math.round(bodies.get(key)! / 1000)} kB)`;
    }),
  ]);
const widths = header.map((h, i) =>
  Math.max(h.length, ...[bfsRow, typedRow, ...rows].map((r) => r[i].length)),
);
const line = (cells: string[]) =>
  cells.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
out(line(header));
out(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of [bfsRow, typedRow, ...rows]) out(line(r));
out(
  `alternating rounds, a full GC before each answer; other processes used ${otherCpu === null ? 'n/a' : `${Math.round(otherCpu * 100)} %`} of a core meanwhile`,
);
out();

// What sending a body of that size costs by itself: a bare node:http server in its own process.
const sizes = [...new Set(classes.map((c) => bodies.get(`${variants[0].name}|${c.cls}`)!))];
const server = startChild(
  'bare http',
  [
    '-e',
    `const http = require('node:http');
     const bodies = new Map();
     http.createServer((req, res) => {
       const n = Number(req.url.slice(1));
       if (!bodies.has(n)) bodies.set(n, '"' + 'x'.repeat(n - 2) + '"');
       res.setHeader('content-type', 'application/json');
       res.end(bodies.get(n));
     }).listen(0, '127.0.0.1', function () { console.log('PORT ' + this.address().port); });`,
  ],
  {},
);
try {
  const port = Number((await server.waitForLine((l) => l.startsWith('PORT '))).slice(5));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (n: number) =>
    new Promise<number>((resolve, reject) => {
      const started = process.hrtime.bigint();
      http
        .get(`http://127.0.0.1:${port}/${n}`, { agent }, (res) => {
          let received = 0;
          res.on('data', (chunk: Buffer) => (received += chunk.length));
          res.on('end', () => (received === n ? resolve(ms(started)) : reject(new Error('short body'))));
        })
        .on('error', reject);
    });
  const parts: string[] = [];
  for (const n of sizes) {
    for (let i = 0; i < 3; i++) await get(n);
    const times: number[] = [];
    for (let i = 0; i < 15; i++) times.push(await get(n));
    parts.push(`${Math.round(n / 1000).toLocaleString('en-US')} kB in ${f(median(times))} ms`);
  }
  agent.destroy();
  out(`HTTP alone (bare node:http, keep-alive, same client as the benchmark): ${parts.join('; ')}`);
} finally {
  await server.stop();
  raw.close();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
