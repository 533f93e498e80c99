// CMDB impact analysis (CM-2) through the API of the real server: `releasegate serve` in its own
// process on the data directory impact-raw.ts prepared (the generated CMDB), one client in this
// process sending sequential requests over one keep-alive connection, as a user who holds
// cmdb.read. The setup user is a security administrator, who does not: it creates a
// configuration administrator through POST /api/users, and the benchmark signs in as that user.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import type { ImpactClass, ImpactRawSetup, Stats } from './impact-types';
import { cpuSecondsOf, machineBusySeconds, otherCpuShare } from './proc';
import { busyTime } from './profile-summary';
import { startReleaseGate, type RunningReleaseGate } from './real-server';
import type { QuietPolicy } from './load';

/** Warm-up requests per seed before the timed ones (a full reach takes seconds: one). */
const WARMUP_ROUNDS: Record<ImpactClass, number> = { small: 5, medium: 3, full: 1 };
const CMDB_USER = 'bench.cmdb';
const CMDB_PASSWORD = 'bench-cmdb-password-correct-horse';

export interface ImpactApiClass {
  cls: ImpactClass;
  depth: number;
  stats: Stats;
  /** Server CPU time per request (ms), from /proc: robust against neighbours. */
  serverCpuMs: number | null;
  /** Share of a core other processes used while this class was measured. */
  otherCpu: number | null;
  waitedSec: number;
  /** Measured twice because neighbours were busy (the quieter run is kept). */
  remeasured: boolean;
  /** Median response size in bytes. */
  bytes: number;
  /** Median milliseconds per seed id. */
  perSeed: Record<string, number>;
}

export interface ImpactApiResult {
  /** The first impact request after start, which loads the graph into the server's cache. */
  firstCallSec: number;
  classes: ImpactApiClass[];
}

interface Reply {
  status: number;
  body: string;
  ms: number;
}

/** One GET over the keep-alive connection; `ms` runs from sending to the last byte received. */
function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const request = http.get(url, { agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ms });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(120_000, () => request.destroy(new Error(`GET ${url}: no answer in 120 s`)));
  });
}

async function expectOk(response: Response, status: number, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Creates a configuration administrator (cmdb.read) as the setup user and signs in as it. */
async function signInCmdbReader(rg: RunningReleaseGate): Promise<string> {
  const created = await fetch(`${rg.baseUrl}/api/users`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      cookie: `${rg.sessionCookie}; rg_csrf=${rg.csrf}`,
      'x-csrf-token': rg.csrf,
    },
    body: JSON.stringify({
      username: CMDB_USER,
      displayName: 'Benchmark CMDB reader',
      roles: ['configuration_administrator'],
      password: CMDB_PASSWORD,
    }),
  });
  await expectOk(created, 201, 'POST /api/users (configuration_administrator)');
  const login = await fetch(`${rg.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: CMDB_USER, password: CMDB_PASSWORD }),
  });
  const session = (await expectOk(login, 200, 'POST /api/auth/login')) as {
    user: { permissions: string[] };
    passwordExpired: boolean;
  };
  if (!session.user.permissions.includes('cmdb.read') || session.passwordExpired)
    throw new Error(`the CMDB user cannot read the CMDB: ${JSON.stringify(session)}`);
  const pair = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0].trim())
    .find((c) => c.startsWith('rg_session='));
  if (!pair) throw new Error('POST /api/auth/login set no rg_session cookie');
  return pair;
}

/** Waits (sampling, within the policy's limits) until other processes use less than its threshold. */
export async function waitForQuiet(pids: number[], quiet: QuietPolicy | undefined): Promise<number> {
  if (!quiet) return 0;
  const started = Date.now();
  for (;;) {
    const other = await otherCpuShare(pids);
    const waited = (Date.now() - started) / 1000;
    if (other === null || other < quiet.threshold || waited >= Math.min(quiet.maxWaitSec, quiet.budgetSec)) {
      quiet.budgetSec = Math.max(0, quiet.budgetSec - waited);
      return waited;
    }
  }
}

const medianOf = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function statsOf(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: medianOf(s),
    p95: s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)],
    max: s[s.length - 1],
  };
}

export interface ImpactApi {
  /** The first impact request after start, which loads the graph into the server's cache. */
  firstCallSec: number;
  /** Warms up on the class's seeds (checking each answer), then times `requests` requests. */
  measureClass(
    c: ImpactRawSetup['classes'][number],
    requests: number,
    quiet?: QuietPolicy,
  ): Promise<ImpactApiClass>;
  close(): Promise<void>;
}

/** Starts the server on the prepared data directory, signs in and loads the graph. */
export async function startImpactApi(dataDir: string, setup: ImpactRawSetup): Promise<ImpactApi> {
  const rg = await startReleaseGate({ logLevel: 'warn', dataDir });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const close = async () => {
    agent.destroy();
    await rg.close();
  };
  try {
    const cookie = await signInCmdbReader(rg);
    const url = (id: string, depth: number) => `${rg.baseUrl}/api/cmdb/cis/${id}/impact?depth=${depth}`;
    const call = async (id: string, depth: number, expectReach?: number) => {
      const reply = await get(agent, url(id, depth), { cookie });
      if (reply.status !== 200)
        throw new Error(`GET impact of ${id}: HTTP ${reply.status}: ${reply.body.slice(0, 500)}`);
      if (expectReach !== undefined) {
        const report = JSON.parse(reply.body) as { affected: unknown[]; truncated: boolean };
        if (report.affected.length !== expectReach || report.truncated)
          throw new Error(
            `GET impact of ${id} at depth ${depth}: ${report.affected.length} CIs (truncated: ${report.truncated}), the BFS found ${expectReach}`,
          );
      }
      return reply;
    };

    // The first call loads the graph (every CI id and relation) into the server's cache.
    const first = setup.classes[0];
    const firstCall = await call(first.seeds[0].id, first.depth, first.seeds[0].reach);

    const measureOnce = async (c: ImpactRawSetup['classes'][number], requests: number) => {
      const times: number[] = [];
      const bytes: number[] = [];
      const bySeed = new Map<string, number[]>();
      const machine0 = machineBusySeconds();
      const server0 = cpuSecondsOf(rg.server.pid);
      const own0 = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < requests; i++) {
        const seed = c.seeds[i % c.seeds.length];
        const reply = await call(seed.id, c.depth);
        times.push(reply.ms);
        bytes.push(Buffer.byteLength(reply.body));
        bySeed.set(seed.id, [...(bySeed.get(seed.id) ?? []), reply.ms]);
      }
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      const server1 = cpuSecondsOf(rg.server.pid);
      const machine1 = machineBusySeconds();
      const own = process.cpuUsage(own0);
      const serverSec = server0 === null || server1 === null ? null : server1 - server0;
      return {
        elapsed,
        stats: statsOf(times),
        serverCpuMs: serverSec === null ? null : (serverSec * 1000) / times.length,
        otherCpu:
          machine0 === null || machine1 === null || serverSec === null
            ? null
            : Math.max(0, (machine1 - machine0 - serverSec - (own.user + own.system) / 1e6) / elapsed),
        bytes: medianOf(bytes),
        perSeed: Object.fromEntries([...bySeed].map(([id, xs]) => [id, medianOf(xs)])),
      };
    };

    const measureClass: ImpactApi['measureClass'] = async (c, requests, quiet) => {
      // Warm-up (the server's JIT), and the check that the API answers what the BFS found.
      for (const s of c.seeds) await call(s.id, c.depth, s.reach);
      for (let round = 1; round < WARMUP_ROUNDS[c.cls]; round++)
        for (const s of c.seeds) await call(s.id, c.depth);
      let waitedSec = await waitForQuiet([rg.server.pid], quiet);
      let result = await measureOnce(c, requests);
      let remeasured = false;
      // As the HTTP rows do: when neighbours were busy and the budget allows, wait and measure
      // once more, keeping the quieter of the two.
      if (
        quiet &&
        result.otherCpu !== null &&
        result.otherCpu > quiet.threshold &&
        quiet.budgetSec >= result.elapsed
      ) {
        quiet.budgetSec -= result.elapsed;
        waitedSec += await waitForQuiet([rg.server.pid], quiet);
        const again = await measureOnce(c, requests);
        if ((again.otherCpu ?? 0) < result.otherCpu) result = again;
        remeasured = true;
      }
      const { elapsed: _elapsed, ...figures } = result;
      return { cls: c.cls, depth: c.depth, ...figures, waitedSec, remeasured };
    };
    return { firstCallSec: firstCall.ms / 1000, measureClass, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A CPU profile of the server answering the full-reach class (not part of the figures): a
 * second server with --cpu-prof on a fresh copy of the CMDB. Returns the busiest thread's profile
 * and the seconds the measured requests took (to leave startup and the graph load out).
 */
export async function profileImpactApi(
  fixtureFile: string,
  dataDir: string,
  raw: ImpactRawSetup,
  profileDir: string,
  requests: number,
): Promise<{ file: string; seconds: number } | null> {
  const full = raw.classes.find((c) => c.cls === 'full');
  if (!full) return null;
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  fs.copyFileSync(fixtureFile, path.join(dataDir, 'releasegate.db'));
  const rg = await startReleaseGate({
    logLevel: 'warn',
    dataDir,
    nodeFlags: ['--cpu-prof', '--cpu-prof-dir', profileDir],
  });
  let seconds = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const cookie = await signInCmdbReader(rg);
    const url = (id: string) => `${rg.baseUrl}/api/cmdb/cis/${id}/impact?depth=${full.depth}`;
    await get(agent, url(full.seeds[0].id), { cookie }); // loads the graph
    const started = process.hrtime.bigint();
    for (let i = 0; i < requests; i++) {
      const reply = await get(agent, url(full.seeds[i % full.seeds.length].id), { cookie });
      if (reply.status !== 200) throw new Error(`profiled GET impact: HTTP ${reply.status}`);
    }
    seconds = Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    agent.destroy();
    await rg.close();
  }
  const files = fs.readdirSync(profileDir).map((f) => path.join(profileDir, f));
  if (files.length === 0) throw new Error(`the profiled server wrote no profile to ${profileDir}`);
  return { file: files.reduce((a, b) => (busyTime(b) > busyTime(a) ? b : a)), seconds };
}
