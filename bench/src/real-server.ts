// Starts the real ReleaseGate server exactly as an operator would (`releasegate serve`) on a fresh
// data directory, completes first-run setup through the API and creates an API token.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, freePort, startChild, type Child } from './proc';

export interface RunningReleaseGate {
  server: Child;
  baseUrl: string;
  userId: string;
  /** `rg_session=…`, ready for a Cookie header. */
  sessionCookie: string;
  /** The rg_csrf cookie's value: send it as `rg_csrf=…` and as X-CSRF-Token on writes. */
  csrf: string;
  apiToken: string;
  close(): Promise<void>;
}

const PASSWORD = 'bench-password-correct-horse';

function cookieValue(setCookies: string[], name: string): string {
  for (const header of setCookies) {
    const [pair] = header.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  throw new Error(`the response set no ${name} cookie (got: ${setCookies.join(' | ')})`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<unknown> {
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${what}: expected HTTP ${status}, got ${response.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

export interface StartOptions {
  logLevel: string;
  /** Node flags before the entry point (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Another entry point and its arguments instead of `releasegate serve` (prototypes). */
  entry?: string[];
  /** A data directory prepared beforehand (a generated database); deleted on close like a fresh one. */
  dataDir?: string;
}

export async function startReleaseGate(options: StartOptions): Promise<RunningReleaseGate> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-bench-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = startChild(
    `releasegate (LOG_LEVEL=${options.logLevel})`,
    [
      ...(options.nodeFlags ?? []),
      ...(options.entry ?? [path.join(REPO_ROOT, 'packages/server/bin/releasegate.js'), 'serve']),
    ],
    {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: baseUrl,
      LOG_LEVEL: options.logLevel,
    },
  );
  const close = async () => {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await server.waitForLine((line) => line.includes('ReleaseGate is listening'));
    const linkLine = await server.waitForLine((line) => line.includes('/setup?token='));
    const setupToken = new URL(linkLine.trim()).searchParams.get('token');
    if (!setupToken) throw new Error(`no token in the setup link: ${linkLine}`);

    const setup = await fetch(`${baseUrl}/api/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: setupToken,
        username: 'bench.admin',
        displayName: 'Benchmark Admin',
        password: PASSWORD,
      }),
    });
    const setupBody = (await expectStatus(setup, 200, 'POST /api/setup')) as { user: { id: string } };
    const session = cookieValue(setup.headers.getSetCookie(), 'rg_session');
    const csrf = cookieValue(setup.headers.getSetCookie(), 'rg_csrf');
    const sessionCookie = `rg_session=${session}`;
    const userId = setupBody.user.id;

    const created = await fetch(`${baseUrl}/api/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `${sessionCookie}; rg_csrf=${csrf}`,
        'x-csrf-token': csrf,
      },
      body: JSON.stringify({ name: 'bench', scopes: ['user.read'], expiresInDays: 30 }),
    });
    const { token: apiToken } = (await expectStatus(created, 201, 'POST /api/tokens')) as { token: string };

    // The endpoint under load must answer the real thing with either credential.
    const credentials: Record<string, string>[] = [
      { cookie: sessionCookie },
      { authorization: `Bearer ${apiToken}` },
    ];
    for (const headers of credentials) {
      const read = (await expectStatus(
        await fetch(`${baseUrl}/api/users/${userId}`, { headers }),
        200,
        'GET /api/users/:id',
      )) as { id: string };
      if (read.id !== userId)
        throw new Error(`GET /api/users/:id answered user ${read.id}, expected ${userId}`);
    }
    server.stopCapture();
    return { server, baseUrl, userId, sessionCookie, csrf, apiToken, close };
  } catch (error) {
    await close();
    throw error;
  }
}
