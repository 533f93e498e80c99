// Child processes for the benchmark: each server under test runs in a process of its own, so the
// load generator (autocannon, in this process) never shares an event loop with it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far (Linux /proc), or null elsewhere. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
  } catch {
    return null;
  }
}

/** CPU seconds the whole machine has spent busy (all cores; Linux /proc/stat), or null elsewhere. */
export function machineBusySeconds(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return (user + nice + system + irq + softirq + steal) / ticksPerSecond();
  } catch {
    return null;
  }
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the first stdout line (already seen or still to come) that matches. */
  waitForLine(match: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Stop keeping stdout lines; output is still drained so the child never blocks on a full pipe. */
  stopCapture(): void;
  /** Calls `listener` with every later stdout line, captured or not; returns a function that stops it. */
  onLine(listener: (line: string) => void): () => void;
  cpuSeconds(): number | null;
  /** The last 4,000 characters the child wrote to stderr. */
  stderr(): string;
  /** Writes a line to the child's stdin (only for a child started with `{ input: true }`). */
  send(line: string): void;
  /** Resolves when the child has exited by itself; rejects after timeoutMs. */
  exited(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

export function startChild(
  name: string,
  args: string[],
  env: Record<string, string | undefined>,
  options: { input?: boolean } = {},
): Child {
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${args.join(' ')}`);
  const pid = child.pid;
  live.add(child);

  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  let partial = '';
  let capturing = true;
  let stderrTail = '';
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of [...waiters]) w();
  };

  const { stdout, stderr } = child;
  if (!stdout || !stderr) throw new Error(`${name}: no stdout or stderr pipe`);
  stdout.setEncoding('utf8');
  stdout.on('data', (chunk: string) => {
    if (!capturing && listeners.size === 0) return;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const listener of listeners) for (const line of parts) listener(line);
    if (!capturing) return;
    lines.push(...parts);
    notify();
  });
  stderr.setEncoding('utf8');
  stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });
  const exitPromise = new Promise<void>((resolve) => {
    // 'close' comes after the child exited and its output streams ended: no line is lost.
    child.once('close', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      notify();
      resolve();
    });
  });

  return {
    name,
    pid,
    waitForLine(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        let scanned = 0;
        const check = () => {
          for (; scanned < lines.length; scanned++) {
            if (match(lines[scanned])) {
              done();
              resolve(lines[scanned]);
              return;
            }
          }
          if (exited) {
            done();
            reject(
              new Error(
                `${name} exited (code ${exited.code}, signal ${exited.signal}) before it was ready.\nstdout:\n${lines.join('\n')}\nstderr:\n${stderrTail}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `${name}: no matching line after ${timeoutMs} ms.\nstdout:\n${lines.join('\n')}\nstderr:\n${stderrTail}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    stopCapture() {
      capturing = false;
      lines.length = 0;
    },
    onLine(listener) {
      partial = '';
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cpuSeconds: () => cpuSecondsOf(pid),
    send(line) {
      if (!child.stdin) throw new Error(`${name} was started without stdin`);
      child.stdin.write(`${line}\n`);
    },
    stderr: () => stderrTail,
    exited(timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${name} did not exit within ${timeoutMs} ms`)),
          timeoutMs,
        );
        void exitPromise.then(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** Arguments that run a TypeScript file through tsx, as the real server runs. */
export function tsxArgs(file: string, nodeFlags: string[] = []): string[] {
  return [...nodeFlags, '--import', 'tsx', file];
}

/**
 * The share of a core that processes other than this one and `pids` use over the next `ms`
 * (other engineers' test runs on a shared machine), or null where /proc is missing.
 */
export async function otherCpuShare(pids: number[], ms = 500): Promise<number | null> {
  const own = () => {
    const self = process.cpuUsage();
    let seconds = (self.user + self.system) / 1e6;
    for (const pid of pids) seconds += cpuSecondsOf(pid) ?? 0;
    return seconds;
  };
  const machine0 = machineBusySeconds();
  const own0 = own();
  const t0 = process.hrtime.bigint();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const machine1 = machineBusySeconds();
  const own1 = own();
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  if (machine0 === null || machine1 === null) return null;
  return Math.max(0, (machine1 - machine0 - (own1 - own0)) / elapsed);
}
