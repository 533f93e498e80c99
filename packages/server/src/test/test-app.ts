import { ManualClock, type Role } from '@releasegate/domain';
import { buildApp, type App, type AppOptions } from '../app';
import { loadConfig, type Config } from '../config';
import { createUser } from '../modules/identity/user.service';
import { cliContext } from '../cli/cli-context';
import { ensureBuiltinCiTypes } from '../modules/cmdb/ci-type.service';
import { ensureDefaultPolicy } from '../modules/policy/policy.service';
import { createTestDatabase, type TestDatabase } from './databases';
import type { Dialect } from '../db/database';

export interface TestApp {
  app: App;
  url: string;
  clock: ManualClock;
  config: Config;
  database: TestDatabase;
  /** Creates a user directly through the service (audited as the CLI). */
  seedUser(
    username: string,
    roles: Role[],
    password?: string,
  ): Promise<{ id: string; username: string; password: string }>;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

/**
 * The real app on a fresh database, listening on a loopback port, with a clock the test moves.
 * The job runner does not poll (JOBS_ENABLED=false unless `env` says otherwise): a test moves the
 * clock and calls `app.jobs.runDue()`.
 */
export async function startTestApp(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: Pick<AppOptions, 'outboundResolver'> = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const clock = new ManualClock();
  const config = loadConfig({ ...database.env, WEB_DIST_DIR: '/nonexistent', JOBS_ENABLED: 'false', ...env });
  // TEST_LOG=1 shows the server's logs (errors behind a 500) while debugging a test.
  const app = await buildApp({
    config,
    db: database.db,
    clock,
    logger: process.env.TEST_LOG === '1',
    ...options,
  });
  await ensureBuiltinCiTypes(app.cmdb, cliContext());
  await ensureDefaultPolicy(app.policy, cliContext());
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  const address = app.fastify.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    app,
    url,
    clock,
    config,
    database,
    async seedUser(username, roles, password = TEST_PASSWORD) {
      const user = await createUser(app.identity, cliContext(), {
        username,
        displayName: username,
        roles,
        password,
      });
      // Test people sign in with the password they were given; the X-4 tests of the forced
      // change at first sign-in create their users through the API instead.
      await database.db.kysely
        .updateTable('users')
        .set({ must_change_password: 0 })
        .where('id', '=', user.id)
        .execute();
      return { id: user.id, username, password };
    },
    async close() {
      await app.fastify.close();
      await database.destroy();
    },
  };
}

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like HTTP client: keeps cookies and sends the CSRF header as the web app does. */
export class HttpClient {
  private cookies = new Map<string, string>();
  bearer: string | undefined;
  sendCsrf = true;

  constructor(private readonly base: string) {}

  /** The same signed-in client talking to another server node (sessions live in the database). */
  at(base: string): HttpClient {
    const other = new HttpClient(base);
    other.cookies = this.cookies;
    other.bearer = this.bearer;
    other.sendCsrf = this.sendCsrf;
    return other;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Carries a cookie another client got (an OIDC sign-in driven by hand). */
  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  /** The Cookie header this client sends, for requests made with fetch directly (streams). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const raw = typeof body === 'string' || Buffer.isBuffer(body);
    const h: Record<string, string> = { ...headers };
    if (body !== undefined) h['content-type'] = raw ? 'application/octet-stream' : 'application/json';
    if (this.cookies.size > 0) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.sendCsrf && this.cookies.has('rg_csrf') && method !== 'GET')
      h['x-csrf-token'] = this.cookies.get('rg_csrf')!;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    const response = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    return {
      status: response.status,
      body: (type.startsWith('application/json') && text ? JSON.parse(text) : text) as T,
      headers: response.headers,
    };
  }

  /** Sends a file's bytes as application/octet-stream, as the web client's uploads do. */
  upload<T = any>(method: 'PUT' | 'POST', path: string, bytes: Buffer | string, filename?: string) {
    return this.request<T>(
      method,
      path,
      bytes,
      filename ? { 'x-filename': encodeURIComponent(filename) } : {},
    );
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  async login(username: string, password = TEST_PASSWORD) {
    return this.post('/api/auth/login', { username, password });
  }
}

/** The audit trail's events of one action, in order. */
export const auditEvents = (t: TestApp, action: string) =>
  t.database.db.kysely
    .selectFrom('audit_events')
    .selectAll()
    .where('action', '=', action)
    .orderBy('seq')
    .execute();
