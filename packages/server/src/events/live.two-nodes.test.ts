import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease } from '../test/implementation';
import { spawnServer, stopServer, type ServerProcess } from '../test/server-process';

/** Reads a Server-Sent Events stream until the text seen so far matches. */
async function openStream(url: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { cookie }, signal: controller.signal });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  return {
    async until(pattern: RegExp) {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value);
      }
      return text;
    },
    close: () => controller.abort(),
  };
}

// Several server nodes share one database only on PostgreSQL (SQLite is the one-node mode): the
// test is skipped unless TEST_DATABASE_URL names a PostgreSQL server (CI always does).
const postgres = DIALECTS.includes('postgres');

describe('live events across server nodes on postgres', () => {
  const dialect = 'postgres';
  let t: TestApp;
  let other: ServerProcess | undefined;
  beforeEach(async () => {
    if (!postgres) return;
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
  });
  afterEach(async () => {
    if (other) await stopServer(other, 'SIGKILL');
    other = undefined;
    if (postgres) await t.close();
  });

  it.skipIf(!postgres)(
    'IM-3 an event raised on one node reaches a page watching the other (LISTEN/NOTIFY)',
    async () => {
      const c = await signInRoles(t);
      const r = await readyRelease(t, c);
      other = await spawnServer({ ...t.database.env, JOBS_ENABLED: 'false' });
      // The manager watches the release on the second node (a session of its own there).
      const watcher = new HttpClient(other.url);
      expect((await watcher.login('boss')).status).toBe(200);
      const stream = await openStream(`${other.url}/api/releases/${r.id}/live`, watcher.cookieHeader());
      await stream.until(/event: hello/);
      // The engineer works on the first node.
      expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
      await stream.until(/"type":"start_implementation"/);
      await c.impl.post(`/api/releases/${r.id}/steps/implementation/0/start`, { executor: 'jenkins #7' });
      const seen = await stream.until(/"type":"record_step"/);
      expect(seen.match(/"type":"start_implementation"/g)).toHaveLength(1);
      stream.close();
    },
  );
});
