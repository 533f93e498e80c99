import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { OutputWatcher } from './output-watcher';
import { REPO_ROOT, SERVER_BIN, WEB_DIST_INDEX } from './paths';

export interface TestServer {
  url: string;
  /** The one-time first-run link the server printed. */
  setupLink: string;
  dataDir: string;
  /** The server process's id (the web bench gives it a processor of its own). */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** The line after "First run:" that carries /setup?token=…, as an absolute URL. */
export function parseSetupLink(output: string): string | undefined {
  const start = output.indexOf('First run:');
  if (start < 0) return undefined;
  const line = output
    .slice(start)
    .split('\n')
    .slice(1)
    .find((l) => l.includes('/setup?token='));
  return line?.match(/\S+\/setup\?token=\S+/)?.[0];
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Ends a child process: SIGTERM, SIGKILL if it is still there after `graceMs`; resolves once it exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited(child);
  clearTimeout(killer);
}

/**
 * Starts the real server (`releasegate serve`) on a fresh data directory and a free port, and
 * waits until it says it is listening and has printed the first-run link.
 */
export async function startServer(
  options: {
    /** A port chosen beforehand (a peer such as the OpenID Provider must know the address first). */
    port?: number;
    /** More configuration (OIDC_ISSUER …). */
    env?: Record<string, string>;
  } = {},
): Promise<TestServer> {
  if (!fs.existsSync(WEB_DIST_INDEX))
    throw new Error(`No web build at ${WEB_DIST_INDEX}; run \`npm run build\` first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-e2e-'));
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    LOG_LEVEL: 'warn',
    // Two files at once on a busy machine can take longer than the default 1.5 s to draw a phone's
    // first paint; the tests check what is drawn (the limit has its own test, first-paint.http.test).
    WEB_FIRST_PAINT_MS: '10000',
    ...options.env,
  };
  // Always the embedded SQLite database in the fresh directory, and the web build of this checkout.
  delete env.DATABASE_URL;
  delete env.WEB_DIST_DIR;
  const child = spawn(process.execPath, [SERVER_BIN, 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = new OutputWatcher(child.stdout);
  const stderr = new OutputWatcher(child.stderr);
  child.once('exit', (code, signal) =>
    stdout.fail(new Error(`The server exited (code ${code}, signal ${signal}); stderr:\n${stderr.output}`)),
  );

  const stop = async () => {
    await stopChild(child, 10_000);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await stdout.waitFor(
      (text) => (text.includes('ReleaseGate is listening') ? true : undefined),
      '"ReleaseGate is listening"',
    );
    const setupLink = await stdout.waitFor(parseSetupLink, 'the first-run setup link');
    return {
      url,
      setupLink,
      dataDir,
      pid: child.pid ?? 0,
      output: () => stdout.output + stderr.output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
