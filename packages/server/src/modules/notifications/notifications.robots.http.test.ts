import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '@releasegate/domain';
import { DIALECTS, createTestDatabase, type TestDatabase } from '../../test/databases';
import { JobDeferred } from '../../jobs/job.runner';
import { SecretBox } from '../../storage/secret-box';
import { insertEndpoint } from './notification.repository';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { notify, type NotificationInput } from './notify';
import { ROBOT_RATE_LIMITS, claimSendSlot, nextSlot, windowWithMargin, type RateRule } from './robot.rate';
import { WebhookReceiver } from './testing/receivers';

const notice = (n: number, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  kind: 'trigger_raised',
  title: { zh: `REL-2026-0042 回退触发 #${n}`, en: `REL-2026-0042 rollback trigger #${n}` },
  body: { zh: `错误率超过阈值（第 ${n} 次）`, en: `Error rate above threshold (#${n})` },
  link: '/releases/r42',
  releaseId: 'r42',
  audience: { roles: ['operations_manager'] },
  ...extra,
});

/** At most `max` arrivals in any window of `windowMs` (half-open), over the whole list. */
const worstWindow = (arrivals: number[], windowMs: number) => {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= windowMs) j++;
    worst = Math.max(worst, i - j + 1);
  }
  return worst;
};

describe('robot rate limits, defaults (X-2)', () => {
  it("X-2 the production limits are the vendors' published figures: DingTalk 20/min, WeCom 20/min, Feishu 100/min and 5/s per robot; the chat apps' cards as their vendor's robots", () => {
    const feishu = [
      { max: 100, windowMs: 60_000 },
      { max: 5, windowMs: 1_000 },
    ];
    expect(ROBOT_RATE_LIMITS).toEqual({
      dingtalk: [{ max: 20, windowMs: 60_000 }],
      wecom: [{ max: 20, windowMs: 60_000 }],
      feishu,
      feishu_app: feishu,
      wecom_app: [{ max: 20, windowMs: 60_000 }],
    });
  });

  it('X-2 nextSlot: now while a window has room, else when the oldest counted message leaves it', () => {
    const rule: RateRule = { max: 2, windowMs: 1000 };
    const w = windowWithMargin(rule);
    expect(nextSlot([], 5000, [rule])).toBe(5000);
    expect(nextSlot([4500], 5000, [rule])).toBe(5000);
    expect(nextSlot([4500, 4800], 5000, [rule])).toBe(4500 + w);
    expect(nextSlot([3000, 4500, 4800], 5000, [rule])).toBe(4500 + w);
  });
});

describe.each(DIALECTS)('robots: @-mentions and per-robot rate limits (X-2) on %s', (dialect) => {
  let t: TestApp;
  let receiver: WebhookReceiver | undefined;
  afterEach(async () => {
    await t?.close();
    await receiver?.close();
    receiver = undefined;
  });
  const start = async () => {
    t = await startTestApp(dialect, {
      PUBLIC_URL: 'https://release.example.com',
      OUTBOUND_ALLOW: '127.0.0.1/32',
    });
  };
  const q = () => t.database.db.kysely;
  const send = (i: NotificationInput) =>
    q()
      .transaction()
      .execute((trx) => notify(trx, t.clock, i));
  const drain = async () => {
    let total = 0;
    for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
    return total;
  };
  const admin = async () => {
    await t.seedUser('sys', ['system_administrator']);
    const client = new HttpClient(t.url);
    expect((await client.login('sys')).status).toBe(200);
    return client;
  };
  const robot = async (client: HttpClient, format: string, path: string, kinds = ['trigger_raised']) => {
    const r = await client.post('/api/notifications/webhooks', {
      name: format,
      format,
      url: receiver!.url(path),
      kinds,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string };
  };
  /** A DingTalk robot as the vendor documents it: 20 a minute, errcode 130101 past that. */
  const dingtalkLike = () => {
    const arrivals: number[] = [];
    const refused: number[] = [];
    receiver!.respond = (r) => {
      const at = t.clock.now().getTime();
      const recent = arrivals.filter((a) => a > at - 60_000).length;
      if (recent >= 20) {
        refused.push(at);
        return {
          status: 200,
          body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' },
        };
      }
      arrivals.push(at);
      expect(JSON.parse(r.body).msgtype).toBe('markdown');
      return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    };
    return { arrivals, refused };
  };

  it('X-2 RB-2 a rollback trigger @-mentions the deciders by their bound phone or chat id in each robot, names the unbound in plain text and links to the release', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    const wang = await t.seedUser('wang', ['operations_manager']);
    const li = await t.seedUser('li', ['operations_manager']);
    await t.seedUser('zhao', ['operations_manager']);
    await t.seedUser('eng', ['operations_engineer']);
    await q()
      .updateTable('users')
      .set({
        mobile_phone: '13800001111',
        wecom_user_id: 'wangjl',
        feishu_user_id: 'ou_wang',
        display_name: '王经理',
      })
      .where('id', '=', wang.id)
      .execute();
    await q()
      .updateTable('users')
      .set({ dingtalk_user_id: 'ding-li', display_name: '李经理' })
      .where('id', '=', li.id)
      .execute();
    await robot(client, 'dingtalk', '/robot/send?access_token=t');
    await robot(client, 'wecom', '/cgi-bin/webhook/send?key=k');
    await robot(client, 'feishu', '/open-apis/bot/v2/hook/h');
    receiver.respond = (r) =>
      r.path.startsWith('/open-apis')
        ? { status: 200, body: { code: 0, msg: 'success' } }
        : { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    await send(
      notice(1, {
        audience: { roles: ['operations_manager', 'operations_engineer'] },
        todo: { key: 'release:r42:decide_rollback', roles: ['operations_manager'] },
      }),
    );
    await drain();
    const body = (p: string) => JSON.parse(receiver!.requests.find((r) => r.path.startsWith(p))!.body);
    const link = 'https://release.example.com/releases/r42';
    const ding = body('/robot/send');
    expect(ding.at).toEqual({ atMobiles: ['13800001111'], atUserIds: ['ding-li'], isAtAll: false });
    expect(ding.markdown.text).toContain('@13800001111');
    expect(ding.markdown.text).toContain('@ding-li');
    expect(ding.markdown.text).toContain('zhao');
    // The engineer is informed, not asked: not mentioned.
    expect(ding.markdown.text).not.toContain('eng');
    expect(ding.markdown.text).toContain(link);
    const wecom = body('/cgi-bin');
    expect(wecom.msgtype).toBe('markdown');
    expect(wecom.markdown.content).toContain('<@wangjl>');
    expect(wecom.markdown.content).toContain(link);
    const feishu = JSON.stringify(body('/open-apis'));
    expect(feishu).toContain('{"tag":"at","user_id":"ou_wang","user_name":"王经理"}');
    expect(feishu).toContain('{"tag":"text","text":"李经理"}');
    expect(feishu).toContain(link);
  });

  it('X-2 a burst of 100 notices to one DingTalk robot keeps its 20-a-minute limit in every sliding window and loses none (production limits, test clock)', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    await robot(client, 'dingtalk', '/robot/send?access_token=t');
    const { arrivals, refused } = dingtalkLike();
    for (let n = 1; n <= 100; n++) await send(notice(n));
    for (let tick = 0; tick < 200 && arrivals.length < 100; tick++) {
      await drain();
      t.clock.advance(5_000);
    }
    expect(refused).toEqual([]);
    expect(arrivals).toHaveLength(100);
    expect(worstWindow(arrivals, 60_000)).toBeLessThanOrEqual(20);
    // Every one once, in order.
    const titles = receiver.accepted.map((r) => JSON.parse(r.body).markdown.title as string);
    expect(titles).toEqual(Array.from({ length: 100 }, (_, i) => `REL-2026-0042 回退触发 #${i + 1}`));
    const statuses = await q().selectFrom('notification_deliveries').select('status').execute();
    expect(statuses.every((s) => s.status === 'delivered')).toBe(true);
  });

  it("X-2 the test button counts against the robot's limit: with the window full of messages on their way it is refused (429) with the time to try again, and sends nothing", async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    const hook = await robot(client, 'dingtalk', '/robot/send?access_token=t');
    dingtalkLike();
    for (let n = 1; n <= 20; n++) await send(notice(n));
    await drain();
    expect(receiver.accepted).toHaveLength(20);
    const test = await client.post(`/api/notifications/webhooks/${hook.id}/test`);
    expect(test.status).toBe(429);
    expect(test.body.error.details.reasons[0]).toMatchObject({
      reasonCode: 'robot_test_rate_limited',
      params: { format: 'dingtalk' },
    });
    expect(receiver.requests).toHaveLength(20);
    t.clock.advance(65_000);
    expect((await client.post(`/api/notifications/webhooks/${hook.id}/test`)).body.ok).toBe(true);
  });

  it('X-2 a DingTalk robot in "custom keywords" mode: the keyword saved on the endpoint is in every message; emptied, it is gone', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    const created = await client.post('/api/notifications/webhooks', {
      name: 'ding',
      format: 'dingtalk',
      url: receiver.url('/robot/send?access_token=t'),
      keyword: ' 发布通知 ',
      kinds: ['trigger_raised'],
    });
    expect(created.body.keyword).toBe('发布通知');
    receiver.respond = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    await send(notice(1));
    await drain();
    expect(JSON.parse(receiver.accepted[0].body).markdown.title).toBe(
      '【发布通知】REL-2026-0042 回退触发 #1',
    );
    const cleared = await client.request('PATCH', `/api/notifications/webhooks/${created.body.id}`, {
      keyword: '',
    });
    expect(cleared.body.keyword).toBeNull();
    await send(notice(2));
    await drain();
    expect(JSON.parse(receiver.accepted[1].body).markdown.title).toBe('REL-2026-0042 回退触发 #2');
  });

  it('X-2 a Feishu robot gets at most 5 a second and 100 a minute', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    await robot(client, 'feishu', '/open-apis/bot/v2/hook/h');
    const arrivals: number[] = [];
    receiver.respond = () => {
      arrivals.push(t.clock.now().getTime());
      return { status: 200, body: { code: 0, msg: 'success' } };
    };
    for (let n = 1; n <= 30; n++) await send(notice(n));
    for (let tick = 0; tick < 100 && arrivals.length < 30; tick++) {
      await drain();
      t.clock.advance(250);
    }
    expect(arrivals).toHaveLength(30);
    expect(worstWindow(arrivals, 1_000)).toBeLessThanOrEqual(5);
  });

  it('X-2 a robot answering "too many messages" (DingTalk 130101) is tried again after its throttle, not failed, no attempt spent; the webhook page shows the vendor\'s code and words', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    await robot(client, 'dingtalk', '/robot/send?access_token=t');
    let limited = true;
    receiver.respond = () =>
      limited
        ? { status: 200, body: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } }
        : { status: 200, body: { errcode: 0, errmsg: 'ok' } };
    await send(notice(1));
    await drain();
    const list = await client.get('/api/notifications/deliveries');
    expect(list.body.items).toMatchObject([
      {
        status: 'pending',
        lastErrorReason: {
          code: 'delivery_robot_refused_said',
          params: { format: 'dingtalk', code: '130101', said: 'send too fast' },
        },
        lastError: 'the DingTalk robot refused the message: code 130101, "send too fast"',
      },
    ]);
    // The webhook page lists the endpoint's recent failures with the robot's code and words.
    const hooks = await client.get('/api/notifications/webhooks');
    expect(hooks.body.endpoints[0].recentFailures).toMatchObject([
      {
        status: 'pending',
        responseCode: 200,
        lastErrorReason: {
          code: 'delivery_robot_refused_said',
          params: { code: '130101', said: 'send too fast' },
        },
      },
    ]);
    // Twenty minutes of "too fast" (twice DingTalk's ten-minute throttle) fail nothing.
    for (let i = 0; i < 20; i++) {
      t.clock.advanceMinutes(1);
      await drain();
    }
    const job = await q()
      .selectFrom('jobs')
      .select(['state', 'attempts'])
      .where('kind', '=', 'notification.deliver')
      .executeTakeFirstOrThrow();
    expect(job.state).toBe('pending');
    limited = false;
    t.clock.advanceMinutes(10);
    await drain();
    const after = await q().selectFrom('notification_deliveries').select('status').executeTakeFirstOrThrow();
    expect(after.status).toBe('delivered');
    expect(receiver.accepted.length).toBeGreaterThanOrEqual(3);
  });

  it('X-2 a robot that answers "too many messages" for a whole day fails the delivery, saying so, and calls the next one forward', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const client = await admin();
    await robot(client, 'feishu', '/open-apis/bot/v2/hook/x');
    receiver.respond = () => ({ status: 200, body: { code: 11232, msg: 'frequency limited psm' } });
    await send(notice(1));
    await send(notice(2));
    for (let hour = 0; hour < 25; hour++) {
      await drain();
      t.clock.advanceMinutes(60);
    }
    await drain();
    const rows = await q()
      .selectFrom('notification_deliveries')
      .select(['status', 'last_error'])
      .orderBy('seq')
      .execute();
    expect(rows).toEqual([
      {
        status: 'failed',
        last_error: 'the Feishu robot refused the message: code 11232, "frequency limited"',
      },
      {
        status: 'failed',
        last_error: 'the Feishu robot refused the message: code 11232, "frequency limited"',
      },
    ]);
  });
});

// Two nodes share one database only on PostgreSQL (SQLite is the one-node mode).
describe.skipIf(!DIALECTS.includes('postgres'))('robot rate limits across nodes on postgres (X-2)', () => {
  let t: TestDatabase;
  afterEach(async () => {
    await t?.destroy();
  });

  it('X-2 two nodes claiming places for one robot at the same moment take exactly its limit between them; the rest wait', async () => {
    t = await createTestDatabase('postgres');
    const nodes = [t.openAnother(), t.openAnother()];
    const clock = new ManualClock('2026-03-02T02:00:00.000Z');
    const at = clock.now().toISOString();
    const secrets = SecretBox.loadOrCreate(path.join(t.dataDir, 'keys', 'secrets.key'));
    const endpoint = { id: 'ep-ding', format: 'dingtalk' as const };
    await insertEndpoint(
      t.db.kysely,
      {
        ...endpoint,
        name: 'ding',
        url: 'https://oapi.dingtalk.com/robot/send?access_token=t',
        secret: null,
        app: null,
        keyword: null,
        kinds: ['trigger_raised'],
        enabled: true,
        createdBy: null,
        createdAt: at,
        updatedAt: at,
      },
      secrets,
    );
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          claimSendSlot(nodes[i % 2].kysely, clock, ROBOT_RATE_LIMITS, endpoint, `d${i}`).then(
            () => 'sent' as const,
            (error: unknown) => {
              if (error instanceof JobDeferred) return 'waits' as const;
              throw error;
            },
          ),
        ),
      );
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(20);
      expect(outcomes.filter((o) => o === 'waits')).toHaveLength(20);
      const sends = await t.db.kysely.selectFrom('webhook_sends').selectAll().execute();
      expect(sends).toHaveLength(20);
    } finally {
      for (const n of nodes) await n.destroy();
    }
  });
});
