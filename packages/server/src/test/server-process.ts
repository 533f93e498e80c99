import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const CLI = path.resolve(import.meta.dirname, '../../bin/releasegate.js');

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

export interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  stdout: () => string;
  setupToken: string | null;
}

/**
 * The bursts of writes of the audit-chain tests are API token creations, dozens a second by one
 * user: far over the token creation rate limit, which these tests are not about.
 */
export const BURST_OF_TOKENS = { RATE_LIMIT_TOKEN_CREATE: '100000' };

/**
 * Starts `releasegate serve` as a real child process and waits until it listens. A start that
 * failed only because another test file dropped its PostgreSQL schema while this server's
 * migrations looked at the catalog (the race migrateWithRetry in databases.ts describes) is
 * tried again, a few times at most; any other failure fails the test.
 */
export async function spawnServer(env: Record<string, string>): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerProcess(env);
    } catch (error) {
      const concurrentDrop = /Migration failed: schema "rg_test_[0-9a-f]+" does not exist/.test(
        String(error),
      );
      if (!concurrentDrop || attempt >= 3) throw error;
    }
  }
}

/**
 * Starts `count` servers on one database at once, as nodes come up after a deployment (a start
 * takes seconds on a busy machine: not paid once per node within a test's time). Each joins
 * `started` as soon as it listens, so the test's cleanup stops it even if another failed to start.
 */
export async function spawnServers(
  count: number,
  env: Record<string, string>,
  started: ServerProcess[],
): Promise<ServerProcess[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const server = await spawnServer(env);
      started.push(server);
      return server;
    }),
  );
}

/**
 * Every server this test process started and that has not exited. A test that times out while
 * its servers still start leaves them to no cleanup (they were never returned to it); they are
 * killed when the test process ends rather than left running, orphaned, for the rest of the run
 * and after it.
 */
const running = new Set<ChildProcessWithoutNullStreams>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn('node', [CLI, 'serve'], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: url,
      ...env,
    },
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      // The setup link, when there is one, is printed with and before the listening line.
      if (out.includes('ReleaseGate is listening')) {
        child.stdout.off('data', onData);
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${err}`)));
  });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const match = /\/setup\?token=(\S+)/.exec(out);
  return { child, url, stdout: () => out, setupToken: match ? decodeURIComponent(match[1]) : null };
}

export async function stopServer(p: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill(signal);
  });
}
