import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '@releasegate/domain';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../test/databases';
import { spawnServers, stopServer, type ServerProcess } from '../../test/server-process';
import { insertEndpoint } from './notification.repository';
import { SecretBox } from '../../storage/secret-box';
import { DELIVERY_JOB, notify } from './notify';
import { WebhookReceiver } from './testing/receivers';

// Several server processes share one database only on PostgreSQL (SQLite is the one-node mode):
// skipped unless TEST_DATABASE_URL names a PostgreSQL server (CI always does).
describe.skipIf(!DIALECTS.includes('postgres'))(
  'notification deliveries across server processes on postgres',
  () => {
    const dialect = 'postgres';
    let t: TestDatabase;
    let receiver: WebhookReceiver;
    const servers: ServerProcess[] = [];
    beforeEach(async () => {
      t = await createTestDatabase(dialect);
      receiver = await WebhookReceiver.start();
    });
    afterEach(async () => {
      for (const s of servers.splice(0)) await stopServer(s, 'SIGKILL');
      await receiver.close();
      await t.destroy();
    });

    it('X-2 two server processes deliver every webhook event exactly once and, per endpoint, in order', async () => {
      const endpoints = ['a', 'b', 'c', 'd'];
      const at = new Date().toISOString();
      // The servers seal and open endpoint secrets with the key in the data directory they share.
      const secrets = SecretBox.loadOrCreate(path.join(t.dataDir, 'keys', 'secrets.key'));
      for (const name of endpoints)
        await insertEndpoint(
          t.db.kysely,
          {
            id: `ep-${name}`,
            name,
            format: 'generic',
            url: receiver.url(`/${name}`),
            secret: null,
            app: null,
            keyword: null,
            kinds: ['state_changed'],
            enabled: true,
            createdBy: null,
            createdAt: at,
            updatedAt: at,
          },
          secrets,
        );
      // The receiver listens on 127.0.0.1: allow-listed, as the outbound policy wants.
      const env = { ...t.env, JOBS_POLL_MS: '30', OUTBOUND_ALLOW: '127.0.0.1/32' };
      await spawnServers(2, env, servers);
      const events = 30;
      for (let n = 1; n <= events; n++)
        await t.db.kysely.transaction().execute((trx) =>
          notify(trx, systemClock, {
            kind: 'state_changed',
            title: { zh: `事件 ${n}`, en: `Event ${n}` },
            body: { zh: '状态变更', en: 'State changed' },
            audience: { userIds: [] },
          }),
        );
      await vi.waitFor(() => expect(receiver.accepted).toHaveLength(events * endpoints.length), {
        timeout: 45_000,
        interval: 100,
      });
      for (const name of endpoints) {
        const got = receiver.accepted
          .filter((r) => r.path === `/${name}`)
          .map((r) => JSON.parse(r.body).title.en);
        expect(got).toEqual(Array.from({ length: events }, (_, i) => `Event ${i + 1}`));
      }
      const owners = await t.db.kysely
        .selectFrom('jobs')
        .select('lease_owner')
        .distinct()
        .where('kind', '=', DELIVERY_JOB)
        .where('state', '=', 'done')
        .execute();
      expect(owners).toHaveLength(2);
    });
  },
);
