import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';
import { insertDeliveries, type DeliveryStatus } from './notification.repository';

describe.each(DIALECTS)('delivery list pages on %s', (dialect) => {
  let t: TestApp;
  let admin: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: admin } = await appWithUser(dialect, 'sys', ['system_administrator']));
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  /** A delivery queued as the notifier queues one (its seq is the order of enqueue). */
  const enqueue = async (status: DeliveryStatus, title: string) => {
    const at = t.clock.now().toISOString();
    await insertDeliveries(t.database.db.kysely, [
      {
        id: randomUUID(),
        eventId: randomUUID(),
        channel: 'email',
        endpointId: null,
        userId: null,
        recipient: 'ops@example.com',
        kind: 'state_changed',
        message: {
          eventId: randomUUID(),
          kind: 'state_changed',
          title: { zh: title, en: title },
          body: { zh: title, en: title },
          link: null,
          releaseId: null,
          occurredAt: at,
        },
        status,
        attempts: 0,
        lastError: null,
        lastErrorReason: null,
        responseCode: null,
        createdAt: at,
        updatedAt: at,
        deliveredAt: null,
      },
    ]);
  };
  const addOne = async () => {
    added++;
    await enqueue(added % 2 ? 'pending' : 'failed', `added ${added}`);
  };

  it('X-2 a cursor walk returns every delivery once, in order, while deliveries are queued — newest or oldest first, by status', async () => {
    for (let i = 0; i < 7; i++) await enqueue(i % 3 ? 'pending' : 'delivered', `delivery ${i}`);
    const newest = (await admin.get('/api/notifications/deliveries?limit=200')).body;
    expect(newest.total).toBe(7);
    expect(newest.items.map((d: any) => d.title.en)).toEqual(
      [6, 5, 4, 3, 2, 1, 0].map((i) => `delivery ${i}`),
    );
    await expectCursorWalks(admin, '/api/notifications/deliveries', ['-seq', 'seq'], addOne);
    await expectCursorWalks(admin, '/api/notifications/deliveries?status=pending', ['-seq'], addOne);
  });

  it('X-2 a forged cursor or one of another order or filter is refused naming the rule; limits are 1 to 200', async () => {
    for (let i = 0; i < 3; i++) await enqueue('pending', `delivery ${i}`);
    await expectForeignCursorsRefused(admin, '/api/notifications/deliveries', '-seq', 'seq', {
      status: 'failed',
    });
  });
});
