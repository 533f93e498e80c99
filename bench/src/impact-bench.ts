// Section 3 of `npm run bench`: CMDB impact analysis (CM-2). Orchestrates impact-raw.ts (the
// generated CMDB, the raw traversals and the server's functions in process, in a child process)
// and impact-api.ts (the real server in its own process, measured over HTTP), prints the table
// and judges the goals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmt, out, pct, table, verdict } from './format';
import {
  profileImpactApi,
  startImpactApi,
  waitForQuiet,
  type ImpactApi,
  type ImpactApiClass,
  type ImpactApiResult,
} from './impact-api';
import {
  CACHE_ROOT,
  GENERATOR_VERSION,
  REFERENCE_SIZES,
  type ImpactClass,
  type ImpactClassRaw,
  type ImpactRawResult,
  type ImpactRawSetup,
} from './impact-types';
import type { QuietPolicy } from './load';
import { startChild, tsxArgs } from './proc';

/** p95 goal (ms) when at most 5,000 CIs are reached, and for a full reach. */
export const IMPACT_P95_SMALL_MS = 50;
export const IMPACT_P95_FULL_MS = 250;
export const IMPACT_SMALL_LIMIT = 5000;
/** API time at most this many times the raw traversal it wraps. */
export const IMPACT_RATIO_GOAL = 1.3;
/** The web view's impact tab asks for the nearest 2,000 CIs (LIST_LIMIT in ImpactTab.tsx). */
export const WEB_VIEW_LIMIT = 2000;
/** Other processes' share of a core above which a measurement is flagged as noisy. */
const NOISY = 0.25;
/** The brief's reference: the best-known open-source CMDB, impact graph of 69 CIs in 0.4 s, 346 in 2.4 s. */
const REFERENCE_MS: Record<number, number> = { 69: 400, 346: 2400 };

export interface ImpactBenchOptions {
  cis: number;
  relations: number;
  fresh: boolean;
  requests: Record<ImpactClass, number>;
  quiet?: QuietPolicy;
  /** With a directory: afterwards, a CPU profile of the server answering full-reach requests. */
  profileDir?: string;
}

export interface ImpactBenchResult {
  raw: ImpactRawResult;
  /** classes: one per raw class; webView: the full reach again as the web view asks for it (limit). */
  api: ImpactApiResult & { webView?: ImpactApiClass };
  waitedSec: number;
  profile?: { file: string; seconds: number } | null;
}

export async function runImpactBench(options: ImpactBenchOptions): Promise<ImpactBenchResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-bench-cmdb-'));
  const child = startChild(
    'impact-raw',
    tsxArgs('bench/src/impact-raw.ts'),
    {
      BENCH_IMPACT_CIS: String(options.cis),
      BENCH_IMPACT_RELATIONS: String(options.relations),
      BENCH_IMPACT_FRESH: options.fresh ? '1' : undefined,
      BENCH_IMPACT_DATA_DIR: dataDir,
    },
    { input: true },
  );
  let api: ImpactApi | undefined;
  try {
    // Generation (first run only), the copy, the graph load and the choice of seeds.
    const line = await child.waitForLine((l) => l.startsWith('IMPACT_SEEDS '), 900_000);
    const setup = JSON.parse(line.slice('IMPACT_SEEDS '.length)) as ImpactRawSetup;
    // The server runs on the same file the raw timings use (the child only reads it); closing
    // the server deletes the directory.
    api = await startImpactApi(dataDir, setup);
    let waitedSec = 0;
    const classes: ImpactClassRaw[] = [];
    const apiClasses: ImpactApiClass[] = [];
    for (const c of setup.classes) {
      // The raw timings of a class, then the API on the same class, each after waiting for quiet.
      waitedSec += await waitForQuiet([child.pid], options.quiet);
      child.send(`measure ${c.cls}`);
      const measured = await child.waitForLine((l) => l.startsWith(`IMPACT_CLASS ${c.cls} `), 600_000);
      classes.push(JSON.parse(measured.slice(`IMPACT_CLASS ${c.cls} `.length)) as ImpactClassRaw);
      apiClasses.push(await api.measureClass(c, options.requests[c.cls], options.quiet));
    }
    // For context: the full reach as the web view asks for it (the nearest 2,000 CIs, all counted).
    const full = setup.classes.find((c) => c.cls === 'full');
    const webView = full
      ? await api.measureClass(full, options.requests.full, options.quiet, WEB_VIEW_LIMIT)
      : undefined;
    child.send('quit');
    await child.exited(60_000);
    const { firstCallSec, afterChange, floor } = api;
    await api.close();
    api = undefined;

    let profile: ImpactBenchResult['profile'];
    if (options.profileDir) {
      const profileData = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-bench-cmdb-'));
      profile = await profileImpactApi(setup.fixture.file, profileData, setup, options.profileDir, 5);
    }
    return {
      raw: { ...setup, classes },
      api: { firstCallSec, afterChange, floor, classes: apiClasses, webView },
      waitedSec,
      profile,
    };
  } finally {
    await child.stop();
    if (api) await api.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (x: number) => (x >= 100 ? fmt(x) : x >= 10 ? fmt(x, 1) : x >= 1 ? fmt(x, 2) : fmt(x, 3));
const times = (x: number) => (x >= 10 ? fmt(x) : fmt(x, 1));
const bytes = (n: number) =>
  n >= 1e6 ? `${fmt(n / 1e6, 1)} MB` : n >= 1e3 ? `${fmt(n / 1e3)} kB` : `${fmt(n)} B`;
const range = (xs: number[]) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
};

interface Judged {
  cls: ImpactClass;
  p95: number;
  goalMs: number;
  /** The server's handling time (p50) over the in-memory BFS p50 and over the recursive SQL p50. */
  ratioBfs: number;
  ratioSql: number;
  /** The same with the client's time (p50), for context. */
  clientBfs: number;
  clientSql: number;
}

function judge(result: ImpactBenchResult): Judged[] {
  return result.raw.classes.flatMap((c) => {
    const a = result.api.classes.find((x) => x.cls === c.cls);
    if (!a) return [];
    const maxReach = Math.max(...c.seeds.map((s) => s.reach));
    return [
      {
        cls: c.cls,
        p95: a.stats.p95,
        goalMs: maxReach <= IMPACT_SMALL_LIMIT ? IMPACT_P95_SMALL_MS : IMPACT_P95_FULL_MS,
        ratioBfs: a.server.p50 / c.bfs.p50,
        ratioSql: a.server.p50 / c.sql.p50,
        clientBfs: a.stats.p50 / c.bfs.p50,
        clientSql: a.stats.p50 / c.sql.p50,
      },
    ];
  });
}

export function printImpact(result: ImpactBenchResult): void {
  const { raw, api } = result;
  const f = raw.fixture;
  out(`=== 3. CMDB impact analysis (CM-2): ${fmt(f.cis)} CIs, ${fmt(f.relations)} relations ===`);
  out(
    f.generatedSec === null
      ? `CMDB: reused the cached file ${path.dirname(f.file)} (generator v${GENERATOR_VERSION}; generated in ${fmt(f.firstGeneratedSec, 1)} s when first built); ${bytes(f.fileBytes)}.`
      : `CMDB: generated in ${fmt(f.generatedSec, 1)} s this run (migrations, built-in types, then one better-sqlite3 transaction); ${bytes(f.fileBytes)}, cached in ${CACHE_ROOT}.`,
  );
  const byCount = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${fmt(v)} ${k}`)
      .join(', ');
  out(`  CIs: ${byCount(f.ciTypes)}.`);
  out(`  relations: ${byCount(f.relationTypes)}.`);
  out(
    `Graph: the server's ImpactGraphCache loads all CI ids and relations (${fmt(raw.graphEdges)} "affects" edges) in ${fmt(raw.graphLoadSec, 1)} s (bench process);`,
  );
  out(
    `  the API's first impact call after start, which loads it the same way, took ${fmt(api.firstCallSec, 1)} s.`,
  );
  out(
    `  After one change the server applies it to the graph it holds: the next call (small class, whole answer) took ${fmt(api.afterChange.relationAddedMs, 1)} ms after a relation added, ${fmt(api.afterChange.relationRemovedMs, 1)} ms after one removed, ${fmt(api.afterChange.ciRenamedMs, 1)} ms after a CI renamed.`,
  );
  out(
    'API: GET /api/cmdb/cis/:id/impact?depth=D, sequential requests over one keep-alive connection, as a configuration administrator (session cookie),',
  );
  out(
    "  after warm-up rounds over the seeds (small 5, medium 3, full 1); every seed's answer checked against the BFS (same number of CIs, not truncated).",
  );
  out(
    "  p50/p95/max: client time, from sending the request to the last byte received. srv: the server's own time for the same requests (Fastify's",
  );
  out(
    '  responseTime in its "request completed" log line at LOG_LEVEL=info, the default: from routing to the last byte handed to the socket).',
  );
  out(
    "BFS: the server's impactOf(graph, [seed], D) alone, on the adjacency its ImpactGraphCache built (buildAffectsGraph), in a separate process.",
  );
  out(
    'SQL: WITH RECURSIVE over ci_relations, same direction rules, depth bound D, UNION; better-sqlite3 on the same file; checked equal to the BFS (same CIs, same depths).',
  );
  out(
    'D: per class, the depth of the farthest CI any of its seeds reaches, so that all three return the whole reach (the API allows up to 20).',
  );
  out(
    `Each class: the raw timings (${raw.classes.map((c) => `${c.cls} ${fmt(c.timedSec)} s`).join(', ')}), then the API on the same class, each after waiting up to 15 s for quiet.`,
  );
  const apiRows = [...api.classes, ...(api.webView ? [api.webView] : [])];
  const label = (a: ImpactApiClass) => (a.limit ? `${a.cls}, list ${fmt(a.limit)}` : a.cls);
  out(
    `Other processes used ${raw.classes.map((c) => pct(c.otherCpu)).join(', ')} of a core during the raw timings and ${apiRows.map((c) => pct(c.otherCpu)).join(', ')} during the API rows.`,
  );
  out();
  const judged = judge(result);
  table(
    [
      'class',
      'seeds',
      'D',
      'CIs reached',
      'API n',
      'p50 ms',
      'p95 ms',
      'max ms',
      'srv p50',
      'srv p95',
      'srv CPU ms/req',
      'response',
      'BFS p50',
      'BFS p95',
      'SQL n',
      'SQL p50',
      'SQL max',
      'srv/BFS',
      'srv/SQL',
      'p95 goal',
      'note',
    ],
    apiRows.map((a) => {
      const c = raw.classes.find((x) => x.cls === a.cls)!;
      const j = judged.find((x) => x.cls === a.cls)!;
      return [
        label(a),
        String(c.seeds.length),
        String(c.depth),
        range(c.seeds.map((s) => s.reach)),
        String(a.stats.n),
        ms(a.stats.p50),
        ms(a.stats.p95),
        ms(a.stats.max),
        ms(a.server.p50),
        ms(a.server.p95),
        a.serverCpuMs === null ? 'n/a' : ms(a.serverCpuMs),
        bytes(a.bytes),
        ms(c.bfs.p50),
        ms(c.bfs.p95),
        String(c.sql.n),
        ms(c.sql.p50),
        ms(c.sql.max),
        times(a.server.p50 / c.bfs.p50),
        (a.server.p50 / c.sql.p50).toFixed(3),
        a.limit ? 'context' : `≤ ${j.goalMs}: ${j.p95 <= j.goalMs ? 'met' : 'MISSED'}`,
        [a.remeasured ? 'measured twice' : '', a.waitedSec >= 1 ? `waited ${Math.round(a.waitedSec)} s` : '']
          .filter(Boolean)
          .join(', '),
      ];
    }),
    [
      false,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      true,
      false,
    ],
  ).forEach((l) => out(l));
  out(
    "Times in ms. srv/BFS and srv/SQL: the server's p50 over the BFS p50 and over the SQL p50 of the same seeds and depth (the ratio goal).",
  );
  const floor = api.floor;
  out(
    `Floor: ${floor.what} on the same server, connection and cookie (${fmt(floor.stats.n)} requests): client p50 ${ms(floor.stats.p50)} ms, server p50 ${ms(floor.server.p50)} ms, p95 ${ms(floor.server.p95)} ms.`,
  );
  const noisy = [
    ...raw.classes.filter((c) => (c.otherCpu ?? 0) > NOISY).map((c) => `raw ${c.cls}`),
    ...apiRows.filter((c) => (c.otherCpu ?? 0) > NOISY).map((c) => `API ${label(c)}`),
  ];
  if (noisy.length > 0)
    out(
      `WARNING: other processes used more than ${pct(NOISY)} of a core during ${noisy.join(', ')}: those times are high (srv CPU ms/req is steadier).`,
    );
  out();

  out(
    "Where the API's time goes (medians, ms and share of the API p50; the server's own functions in the bench process, same seeds and depth):",
  );
  table(
    [
      'class',
      'API p50',
      'BFS impactOf',
      'rest of analyseImpact',
      'impactJson',
      'Fastify, auth, socket',
      'srv p50',
      'transfer, client',
      'response',
    ],
    raw.classes.map((c) => {
      const a = api.classes.find((x) => x.cls === c.cls)!;
      const total = a.stats.p50;
      const part = (x: number) => `${ms(x)} (${Math.round((x / total) * 100)} %)`;
      const p = c.parts;
      return [
        c.cls,
        ms(total),
        part(c.bfs.p50),
        part(Math.max(0, p.service - c.bfs.p50)),
        part(p.json),
        part(Math.max(0, a.server.p50 - p.service - p.json)),
        part(a.server.p50),
        part(Math.max(0, total - a.server.p50)),
        bytes(p.bytes),
      ];
    }),
    [false, true, true, true, true, true, true, true, true],
  ).forEach((l) => out(l));
  out(
    'rest of analyseImpact: its time less the BFS (graph-version read, seeds, counting services and critical CIs); impactJson: the bytes the route sends;',
  );
  out(
    '  Fastify, auth, socket: the server p50 less those (routing, session, hooks, handing the body to the socket); transfer, client: the API p50 less the server p50.',
  );
  out();

  const small = raw.classes.find((c) => c.cls === 'small');
  const smallApi = api.classes.find((c) => c.cls === 'small');
  if (small && smallApi && raw.referenceSeeds.length > 0) {
    out(
      `Context: the best-known open-source CMDB takes ${REFERENCE_SIZES.map((n) => `${fmt(REFERENCE_MS[n] / 1000, 1)} s for an impact graph of ${n} CIs`).join(' and ')}`,
    );
    out(
      '  on this class of machine (a reference figure, not measured here); we aim to answer a graph of that size in a few milliseconds.',
    );
    for (const r of raw.referenceSeeds) {
      const t = smallApi.perSeed[r.seedId];
      const sql = small.sqlPerSeed[r.seedId];
      out(
        `  ours, the seed reaching ${fmt(r.reach)} CIs (for ${r.reference}): API p50 ${ms(t)} ms, ${fmt(REFERENCE_MS[r.reference] / t)} x faster than the reference; recursive SQL ${ms(sql)} ms; BFS ${ms(small.bfsPerSeed[r.seedId])} ms`,
      );
    }
    out();
  }
}

export function impactGoals(result: ImpactBenchResult): { lines: string[]; met: boolean } {
  const j = judge(result);
  const upTo = j.filter((x) => x.goalMs === IMPACT_P95_SMALL_MS);
  const full = j.filter((x) => x.goalMs === IMPACT_P95_FULL_MS);
  const smallMet = upTo.every((x) => x.p95 <= x.goalMs);
  const fullMet = full.every((x) => x.p95 <= x.goalMs);
  const bfsMet = j.every((x) => x.ratioBfs <= IMPACT_RATIO_GOAL);
  const sqlMet = j.every((x) => x.ratioSql <= IMPACT_RATIO_GOAL);
  const list = (xs: Judged[], f: (x: Judged) => string) => xs.map((x) => `${x.cls} ${f(x)}`).join(', ');
  return {
    met: smallMet && fullMet && bfsMet && sqlMet,
    lines: [
      `CMDB impact: p95 <= ${IMPACT_P95_SMALL_MS} ms when <= ${fmt(IMPACT_SMALL_LIMIT)} CIs are reached: ${verdict(smallMet)} (${list(upTo, (x) => `${ms(x.p95)} ms`)})`,
      `CMDB impact: p95 <= ${IMPACT_P95_FULL_MS} ms for a full reach (the whole answer): ${verdict(fullMet)} (${list(full, (x) => `${ms(x.p95)} ms`)})`,
      `CMDB impact: server time p50 <= ${IMPACT_RATIO_GOAL} x the in-memory BFS, every class: ${verdict(bfsMet)} (${list(j, (x) => `${times(x.ratioBfs)} x`)}; client time: ${list(j, (x) => `${times(x.clientBfs)} x`)})`,
      `CMDB impact: server time p50 <= ${IMPACT_RATIO_GOAL} x the recursive SQL, every class: ${verdict(sqlMet)} (${list(j, (x) => `${x.ratioSql.toFixed(3)} x`)}; client time: ${list(j, (x) => `${x.clientSql.toFixed(3)} x`)})`,
    ],
  };
}
