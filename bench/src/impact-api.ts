// CMDB impact analysis (CM-2) through the API of the real server: `releasegate serve` in its own
// process on the data directory impact-raw.ts prepared (the generated CMDB), one client in this
// process sending sequential requests over one keep-alive connection, as a user who holds
// cmdb.read. The setup user is a security administrator, who does not: it creates a
// configuration administrator through POST /api/users, and the benchmark signs in as that user.
// The server runs at LOG_LEVEL=info (its default), so that each request's "request completed"
// line gives the server's own handling time (Fastify's responseTime: from routing to the last
// byte handed to the socket), matched to the request by its x-request-id.
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
  /** With a limit: the answer lists at most this many CIs (what the web view asks for). */
  limit?: number;
  /** Client time: from sending the request to the last byte received. */
  stats: Stats;
  /** Server time: Fastify's responseTime of the same requests, from the server's log. */
  server: Stats;
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

/** The floor of any answer: an authenticated read of one row, timed the same way on the same server. */
export interface ImpactApiFloor {
  what: string;
  stats: Stats;
  server: Stats;
}

/** The next impact request after one change to the CMDB, which the server applies to its graph. */
export interface ImpactAfterChange {
  relationAddedMs: number;
  relationRemovedMs: number;
  ciRenamedMs: number;
}

export interface ImpactApiResult {
  /** The first impact request after start, which loads the graph into the server's cache. */
  firstCallSec: number;
  afterChange: ImpactAfterChange;
  floor: ImpactApiFloor;
  classes: ImpactApiClass[];
}

interface Reply {
  status: number;
  body: string;
  ms: number;
  requestId: string;
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
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ms,
          requestId: String(response.headers['x-request-id'] ?? ''),
        });
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

function sessionCookies(response: Response): { cookie: string; csrf: string } {
  const pairs = response.headers.getSetCookie().map((c) => c.split(';')[0].trim());
  const pair = pairs.find((c) => c.startsWith('rg_session='));
  const csrf = pairs.find((c) => c.startsWith('rg_csrf='));
  if (!pair || !csrf) throw new Error(`${response.url} set no rg_session or rg_csrf cookie`);
  return { cookie: `${pair}; ${csrf}`, csrf: csrf.slice('rg_csrf='.length) };
}

/**
 * Creates a configuration administrator (cmdb.read) as the setup user and signs in as it; the
 * initial password the administrator set is replaced first, as every new person must (X-4).
 */
async function signInCmdbReader(rg: RunningReleaseGate): Promise<{ cookie: string; csrf: string }> {
  const initial = `${CMDB_PASSWORD}-initial`;
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
      password: initial,
    }),
  });
  await expectOk(created, 201, 'POST /api/users (configuration_administrator)');
  const login = await fetch(`${rg.baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: CMDB_USER, password: initial }),
  });
  await expectOk(login, 200, 'POST /api/auth/login');
  const first = sessionCookies(login);
  const changed = await fetch(`${rg.baseUrl}/api/auth/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: first.cookie, 'x-csrf-token': first.csrf },
    body: JSON.stringify({ currentPassword: initial, newPassword: CMDB_PASSWORD }),
  });
  const session = (await expectOk(changed, 200, 'POST /api/auth/password')) as {
    user: { permissions: string[] };
    passwordExpired: boolean;
  };
  if (!session.user.permissions.includes('cmdb.read') || session.passwordExpired)
    throw new Error(`the CMDB user cannot read the CMDB: ${JSON.stringify(session)}`);
  return sessionCookies(changed);
}

/**
 * The server's own time per request, from its "request completed" log lines (Fastify's
 * responseTime, ms), by request id.
 */
function serverTimes(rg: RunningReleaseGate) {
  const times = new Map<string, number>();
  const stop = rg.server.onLine((line) => {
    if (!line.includes('"request completed"')) return;
    try {
      const entry = JSON.parse(line) as { reqId?: string; responseTime?: number };
      if (entry.reqId && typeof entry.responseTime === 'number') times.set(entry.reqId, entry.responseTime);
    } catch {
      // not a log line
    }
  });
  /** The server times of these requests, waiting (up to 10 s) for their log lines to arrive. */
  const of = async (requestIds: string[]): Promise<number[]> => {
    const deadline = Date.now() + 10_000;
    while (requestIds.some((id) => !times.has(id))) {
      if (Date.now() > deadline)
        throw new Error(
          `the server logged no "request completed" line for ${requestIds.filter((id) => !times.has(id)).length} of ${requestIds.length} requests`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return requestIds.map((id) => times.get(id)!);
  };
  return { of, stop };
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
  afterChange: ImpactAfterChange;
  /** An authenticated request that reads the session and the user (GET /api/auth/session): the floor under any answer. */
  floor: ImpactApiFloor;
  /**
   * Warms up on the class's seeds (checking each answer), then times `requests` requests; with a
   * limit, asks for the nearest `limit` CIs only (as the web view does).
   */
  measureClass(
    c: ImpactRawSetup['classes'][number],
    requests: number,
    quiet?: QuietPolicy,
    limit?: number,
  ): Promise<ImpactApiClass>;
  close(): Promise<void>;
}

/** Starts the server on the prepared data directory, signs in and loads the graph. */
export async function startImpactApi(dataDir: string, setup: ImpactRawSetup): Promise<ImpactApi> {
  const rg = await startReleaseGate({ logLevel: 'info', dataDir });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const logged = serverTimes(rg);
  const close = async () => {
    logged.stop();
    agent.destroy();
    await rg.close();
  };
  try {
    const { cookie, csrf } = await signInCmdbReader(rg);
    const url = (id: string, depth: number, limit?: number) =>
      `${rg.baseUrl}/api/cmdb/cis/${id}/impact?depth=${depth}${limit ? `&limit=${limit}` : ''}`;
    const call = async (id: string, depth: number, limit?: number, expectReach?: number) => {
      const reply = await get(agent, url(id, depth, limit), { cookie });
      if (reply.status !== 200)
        throw new Error(`GET impact of ${id}: HTTP ${reply.status}: ${reply.body.slice(0, 500)}`);
      if (expectReach !== undefined) {
        const report = JSON.parse(reply.body) as {
          affected: unknown[];
          affectedCount: number;
          truncated: boolean;
        };
        const listed = Math.min(expectReach, limit ?? Infinity);
        if (report.affected.length !== listed || report.affectedCount !== expectReach || report.truncated)
          throw new Error(
            `GET impact of ${id} at depth ${depth}: ${report.affected.length} CIs listed of ${report.affectedCount} (truncated: ${report.truncated}), the BFS found ${expectReach}`,
          );
      }
      return reply;
    };

    // The first call loads the graph (every CI id and relation) into the server's cache.
    const first = setup.classes[0];
    const firstCall = await call(first.seeds[0].id, first.depth, undefined, first.seeds[0].reach);

    // One change at a time, each followed by the same impact call: the server applies the change
    // to the graph it holds. The relation is removed again and the CI renamed back, so the
    // classes below measure the CMDB as generated.
    const change = async (path: string, body: unknown, status: number) =>
      expectOk(
        await fetch(`${rg.baseUrl}${path}`, {
          method: path.includes('/cis/') ? 'PATCH' : 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
          body: JSON.stringify(body),
        }),
        status,
        path,
      );
    const timedCall = async () => (await call(first.seeds[0].id, first.depth, undefined)).ms;
    const [a, b] = [first.seeds[0].id, setup.classes[setup.classes.length - 1].seeds[0].id];
    const added = (await change(
      '/api/cmdb/relations',
      { sourceId: b, targetId: a, type: 'connects_to', reason: 'benchmark' },
      201,
    )) as { id: string };
    const relationAddedMs = await timedCall();
    await change(`/api/cmdb/relations/${added.id}/remove`, { reason: 'benchmark' }, 204);
    const relationRemovedMs = await timedCall();
    const ci = (await (await fetch(`${rg.baseUrl}/api/cmdb/cis/${a}`, { headers: { cookie } })).json()) as {
      name: string;
      revision: number;
    };
    await change(
      `/api/cmdb/cis/${a}`,
      { name: `${ci.name} (renamed)`, revision: ci.revision, reason: 'benchmark' },
      200,
    );
    const ciRenamedMs = await timedCall();
    await change(
      `/api/cmdb/cis/${a}`,
      { name: ci.name, revision: ci.revision + 1, reason: 'benchmark' },
      200,
    );
    await call(first.seeds[0].id, first.depth, undefined, first.seeds[0].reach);
    const afterChange = { relationAddedMs, relationRemovedMs, ciRenamedMs };

    // The floor: the same client, cookie and server answering who is signed in (session and user
    // read from the database, no graph).
    const floorUrl = `${rg.baseUrl}/api/auth/session`;
    const floorReplies: Reply[] = [];
    for (let i = 0; i < 300; i++) {
      const reply = await get(agent, floorUrl, { cookie });
      if (reply.status !== 200) throw new Error(`GET /api/auth/session: HTTP ${reply.status}`);
      if (i >= 100) floorReplies.push(reply); // the first 100 warm up
    }
    const floor: ImpactApiFloor = {
      what: 'GET /api/auth/session (session cookie)',
      stats: statsOf(floorReplies.map((r) => r.ms)),
      server: statsOf(await logged.of(floorReplies.map((r) => r.requestId))),
    };

    const measureOnce = async (c: ImpactRawSetup['classes'][number], requests: number, limit?: number) => {
      const times: number[] = [];
      const requestIds: string[] = [];
      const bytes: number[] = [];
      const bySeed = new Map<string, number[]>();
      const machine0 = machineBusySeconds();
      const server0 = cpuSecondsOf(rg.server.pid);
      const own0 = process.cpuUsage();
      const started = process.hrtime.bigint();
      for (let i = 0; i < requests; i++) {
        const seed = c.seeds[i % c.seeds.length];
        const reply = await call(seed.id, c.depth, limit);
        times.push(reply.ms);
        requestIds.push(reply.requestId);
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
        server: statsOf(await logged.of(requestIds)),
        serverCpuMs: serverSec === null ? null : (serverSec * 1000) / times.length,
        otherCpu:
          machine0 === null || machine1 === null || serverSec === null
            ? null
            : Math.max(0, (machine1 - machine0 - serverSec - (own.user + own.system) / 1e6) / elapsed),
        bytes: medianOf(bytes),
        perSeed: Object.fromEntries([...bySeed].map(([id, xs]) => [id, medianOf(xs)])),
      };
    };

    const measureClass: ImpactApi['measureClass'] = async (c, requests, quiet, limit) => {
      // Warm-up (the server's JIT), and the check that the API answers what the BFS found.
      for (const s of c.seeds) await call(s.id, c.depth, limit, s.reach);
      for (let round = 1; round < WARMUP_ROUNDS[c.cls]; round++)
        for (const s of c.seeds) await call(s.id, c.depth, limit);
      let waitedSec = await waitForQuiet([rg.server.pid], quiet);
      let result = await measureOnce(c, requests, limit);
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
        const again = await measureOnce(c, requests, limit);
        if ((again.otherCpu ?? 0) < result.otherCpu) result = again;
        remeasured = true;
      }
      const { elapsed: _elapsed, ...figures } = result;
      return { cls: c.cls, depth: c.depth, limit, ...figures, waitedSec, remeasured };
    };
    return { firstCallSec: firstCall.ms / 1000, afterChange, floor, measureClass, close };
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
    const { cookie } = await signInCmdbReader(rg);
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
