import net from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../test/databases';
import { PostgresListener } from './pg-listener';

/** A TCP door to the PostgreSQL server that the test shuts (the database away) and opens again. */
async function door(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(target);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    shut: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
    open: () => listen(port),
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

// PostgreSQL only (decision 0028): the identity cache and live events listen on one connection each.
describe.skipIf(!TEST_DATABASE_URL)('X-4 the PostgreSQL listener', () => {
  it('X-4 a database away for longer than a second (a restart) is listened to again when it is back', async () => {
    const target = new URL(TEST_DATABASE_URL!);
    const way = await door(target);
    const heard: string[] = [];
    const listener = new PostgresListener(way.url, 'releasegate_listener_test', {
      notified: (payload) => heard.push(payload),
      error: () => {},
    });
    const notify = async (payload: string) => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`select pg_notify('releasegate_listener_test', $1)`, [payload]);
      await client.end();
    };
    try {
      await listener.start();
      await notify('before');
      await expect.poll(() => heard).toEqual(['before']);
      await way.shut();
      await expect.poll(() => listener.listening).toBe(false);
      // Away for 2.5 s: the retry a second after the loss finds nobody, and so does the next.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      await way.open();
      await expect.poll(() => listener.listening, { timeout: 3000 }).toBe(true);
      await notify('after');
      await expect.poll(() => heard).toEqual(['before', 'after']);
    } finally {
      await listener.close();
      await way.close();
    }
  });
});
