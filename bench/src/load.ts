// One load measurement: autocannon against a server in another process, after a warm-up, with
// the CPU time both sides used while it ran.
import autocannon from 'autocannon';
import { machineBusySeconds, otherCpuShare, type Child } from './proc';

/**
 * On a shared machine, other processes come and go. Before a measurement, wait (sampling, up to
 * maxWaitSec) until they use less than `threshold` of a core; if they used more during it, wait
 * and measure once more, keeping the quieter of the two. Time spent so is taken from budgetSec.
 */
export interface QuietPolicy {
  threshold: number;
  maxWaitSec: number;
  budgetSec: number;
}

export interface LoadOptions {
  url: string;
  quiet?: QuietPolicy;
  headers?: Record<string, string>;
  connections: number;
  durationSec: number;
  warmupSec: number;
  server: Child;
}

export interface LoadResult {
  connections: number;
  reqPerSec: number;
  total: number;
  latencyP50: number;
  latencyP99: number;
  latencyMean: number;
  /** Server process CPU while measuring, as a share of one core (1.0 = one core busy). */
  serverCpu: number | null;
  /** Load-generator (this process) CPU while measuring, as a share of one core. */
  clientCpu: number;
  /** CPU used by everything else on the machine (other processes, steal) while measuring. */
  otherCpu: number | null;
  /** Seconds spent waiting for other processes to calm down, and whether it measured twice. */
  waitedSec: number;
  remeasured: boolean;
}

async function fire(options: LoadOptions, durationSec: number) {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: durationSec,
    pipelining: 1,
    timeout: 10,
    headers: options.headers ?? {},
  });
  const failures = result.errors + result.timeouts + result.non2xx;
  if (failures > 0) {
    throw new Error(
      `${options.server.name} ${options.url}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx of ${result.requests.total} responses; the measurement is invalid`,
    );
  }
  return result;
}

async function waitForQuiet(options: LoadOptions): Promise<number> {
  const policy = options.quiet;
  if (!policy) return 0;
  const started = Date.now();
  for (;;) {
    const other = await otherCpuShare([options.server.pid]);
    const waited = (Date.now() - started) / 1000;
    if (
      other === null ||
      other < policy.threshold ||
      waited >= Math.min(policy.maxWaitSec, policy.budgetSec)
    ) {
      policy.budgetSec = Math.max(0, policy.budgetSec - waited);
      return waited;
    }
  }
}

export async function measureLoad(options: LoadOptions): Promise<LoadResult> {
  let waitedSec = await waitForQuiet(options);
  let result = await measureOnce(options);
  const policy = options.quiet;
  if (
    policy &&
    result.otherCpu !== null &&
    result.otherCpu > policy.threshold &&
    policy.budgetSec >= options.durationSec + options.warmupSec
  ) {
    policy.budgetSec -= options.durationSec + options.warmupSec;
    waitedSec += await waitForQuiet(options);
    const again = await measureOnce(options);
    if ((again.otherCpu ?? 0) < result.otherCpu) result = again;
    return { ...result, waitedSec, remeasured: true };
  }
  return { ...result, waitedSec, remeasured: false };
}

async function measureOnce(options: LoadOptions): Promise<Omit<LoadResult, 'waitedSec' | 'remeasured'>> {
  if (options.warmupSec > 0) await fire(options, options.warmupSec);
  const machineBefore = machineBusySeconds();
  const serverBefore = options.server.cpuSeconds();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await fire(options, options.durationSec);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const client = process.cpuUsage(clientBefore);
  const serverAfter = options.server.cpuSeconds();
  const machineAfter = machineBusySeconds();
  const serverCpu =
    serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / elapsed;
  const clientCpu = (client.user + client.system) / 1e6 / elapsed;
  const machineCpu =
    machineBefore === null || machineAfter === null ? null : (machineAfter - machineBefore) / elapsed;
  return {
    connections: options.connections,
    reqPerSec: result.requests.average,
    total: result.requests.total,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    latencyMean: result.latency.average,
    serverCpu,
    clientCpu,
    otherCpu:
      machineCpu === null || serverCpu === null ? null : Math.max(0, machineCpu - serverCpu - clientCpu),
  };
}
