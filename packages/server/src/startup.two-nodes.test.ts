import net from 'node:net';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_CI_TYPES } from '@releasegate/domain';
import { loadConfig } from './config';
import { startServer, type RunningServer } from './server';
import { DIALECTS, createTestDatabase, type TestDatabase } from './test/databases';
import { freePort } from './test/server-process';

/**
 * How a server starts beside others (several nodes on one PostgreSQL database). Nodes started together on a new database
 * (a first deployment of several replicas) seed it once; a node whose start fails after it began
 * listening stops listening instead of staying up with nothing behind its port.
 */
const nodeConfig = (t: TestDatabase, port = 0) =>
  loadConfig({
    ...t.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    WEB_DIST_DIR: '/nonexistent',
    JOBS_ENABLED: 'false',
  });

/** Whether something accepts connections on the loopback port. */
const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe.each(DIALECTS)('starting a server on %s', (dialect) => {
  let t: TestDatabase;
  const running: RunningServer[] = [];
  afterEach(async () => {
    for (const s of running.splice(0)) await s.close();
    await t?.destroy();
  });

  it.skipIf(dialect !== 'postgres')(
    'PC-1 X-1 three nodes started at once on a new database all start, and seed the policy and the built-in CI types once',
    async () => {
      t = await createTestDatabase(dialect);
      const quiet = { print: () => undefined, logger: false };
      const started = await Promise.allSettled([1, 2, 3].map(() => startServer(nodeConfig(t), quiet)));
      for (const s of started) if (s.status === 'fulfilled') running.push(s.value);
      expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual([
        'started',
        'started',
        'started',
      ]);
      const q = t.db.kysely;
      expect(await q.selectFrom('policy_versions').select('id').execute()).toHaveLength(1);
      expect(await q.selectFrom('ci_types').select('key').execute()).toHaveLength(BUILTIN_CI_TYPES.length);
      const seeded = await q
        .selectFrom('audit_events')
        .select('action')
        .where('action', 'in', ['policy.seed', 'cmdb.builtin_types_add'])
        .execute();
      expect(seeded.map((e) => e.action).sort()).toEqual(['cmdb.builtin_types_add', 'policy.seed']);
    },
  );

  it('a start that fails after the server began listening stops listening and says why', async () => {
    t = await createTestDatabase(dialect);
    // The policy cannot be seeded: the start fails after the port was opened.
    await sql
      .raw(`drop table policy_versions${dialect === 'postgres' ? ' cascade' : ''}`)
      .execute(t.db.kysely);
    const port = await freePort();
    await expect(startServer(nodeConfig(t, port), { print: () => undefined, logger: false })).rejects.toThrow(
      /policy_versions/,
    );
    expect(await accepts(port)).toBe(false);
  });
});
