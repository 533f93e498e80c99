import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { notify, type NotificationInput } from './notify';
import { DELIVERY_MAX_ATTEMPTS } from './notification.delivery';
import { startSmtpSink, WebhookReceiver, type SmtpSink } from './testing/receivers';

const input = (n: number, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  kind: 'approval_waiting',
  title: { zh: `发布计划待审批 #${n}`, en: `Release plan waiting for approval #${n}` },
  body: {
    zh: `REL-2026-00${n} 的发布计划已提交，请审批。`,
    en: `The plan of REL-2026-00${n} was submitted.`,
  },
  link: `/releases/r${n}`,
  releaseId: `r${n}`,
  audience: { roles: ['operations_manager'] },
  // A to-do (decision 0018) of a thing this code does not know: it stays open.
  todo: { key: `test:r${n}:approve` },
  ...extra,
});

describe.each(DIALECTS)('notifications (X-2) on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpSink | undefined;
  let receiver: WebhookReceiver | undefined;
  const started: (() => Promise<void>)[] = [];
  beforeEach(() => {
    smtp = undefined;
    receiver = undefined;
  });
  afterEach(async () => {
    await t?.close();
    await receiver?.close();
    await smtp?.stop();
    for (const stop of started.splice(0)) await stop();
  });

  // The receivers listen on 127.0.0.1, which the outbound policy refuses unless allow-listed.
  const start = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, {
      PUBLIC_URL: 'https://release.example.com',
      OUTBOUND_ALLOW: '127.0.0.1/32',
      ...env,
    });
  };
  const send = (i: NotificationInput) =>
    t.database.db.kysely.transaction().execute((trx) => notify(trx, t.clock, i));
  /** Runs every job due now, as often as jobs become due now (a delivery calls the next forward). */
  const drain = async () => {
    let total = 0;
    for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
    return total;
  };
  const user = async (name: string, roles: Parameters<TestApp['seedUser']>[1], email?: string) => {
    const u = await t.seedUser(name, roles);
    if (email)
      await t.database.db.kysely.updateTable('users').set({ email }).where('id', '=', u.id).execute();
    const client = new HttpClient(t.url);
    expect((await client.login(name)).status).toBe(200);
    return { ...u, client };
  };
  const deliveries = () =>
    t.database.db.kysely.selectFrom('notification_deliveries').selectAll().orderBy('seq').execute();
  const endpoint = async (admin: HttpClient, body: Record<string, unknown>) => {
    const r = await admin.post('/api/notifications/webhooks', { kinds: ['approval_waiting'], ...body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; hasSecret: boolean };
  };

  it('X-2 in-app notifications reach each active user of the audience once; the bell counts, reads and clears them', async () => {
    await start();
    const mgr = await user('mgr', ['operations_manager']);
    const both = await user('both', ['operations_manager', 'operations_engineer']);
    const eng = await user('eng', ['operations_engineer']);
    const gone = await user('gone', ['operations_manager']);
    await t.database.db.kysely.updateTable('users').set({ disabled: 1 }).where('id', '=', gone.id).execute();
    const cab = await user('cab', ['cab_member']);

    await send(
      input(1, {
        audience: { roles: ['operations_manager', 'operations_engineer'], userIds: [mgr.id, cab.id] },
      }),
    );
    const rows = await t.database.db.kysely.selectFrom('notifications').select(['user_id']).execute();
    expect(rows.map((r) => r.user_id).sort()).toEqual([mgr.id, both.id, eng.id, cab.id].sort());

    t.clock.advanceMinutes(1);
    await send(input(2));
    const list = await mgr.client.get('/api/notifications');
    expect(list.status).toBe(200);
    expect(list.body.unread).toBe(2);
    expect(list.body.items.map((n: any) => n.title.zh)).toEqual(['发布计划待审批 #2', '发布计划待审批 #1']);
    expect(list.body.items[0]).toMatchObject({
      kind: 'approval_waiting',
      body: { en: 'The plan of REL-2026-002 was submitted.' },
      link: '/releases/r2',
      releaseId: 'r2',
      readAt: null,
    });
    // Another user's notification is not found for me.
    const engFirst = (await eng.client.get('/api/notifications')).body.items[0];
    expect((await mgr.client.post(`/api/notifications/${engFirst.id}/read`)).status).toBe(404);

    const read = await mgr.client.post(`/api/notifications/${list.body.items[1].id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBe(t.clock.now().toISOString());
    const unread = await mgr.client.get('/api/notifications?unread=1');
    // Reading a to-do does not do it (decision 0018): the bell still counts both.
    expect(unread.body).toMatchObject({ unread: 2, items: [{ title: { zh: '发布计划待审批 #2' } }] });
    expect((await mgr.client.post('/api/notifications/read-all')).body).toEqual({ marked: 1 });
    expect((await mgr.client.get('/api/notifications?unread=1')).body).toEqual({
      unread: 2,
      todo: 2,
      info: 0,
      items: [],
      nextCursor: null,
    });
    expect((await eng.client.get('/api/notifications')).body.unread).toBe(1);
    expect((await new HttpClient(t.url).get('/api/notifications')).status).toBe(401);
  });

  it('X-2 per-user preferences are respected, in the app and by e-mail, and their change is audited', async () => {
    smtp = await startSmtpSink();
    await start({ SMTP_URL: smtp.url });
    const quiet = await user('quiet', ['operations_manager'], 'quiet@example.com');
    await user('loud', ['operations_manager'], 'loud@example.com');
    const initial = await quiet.client.get('/api/notifications/preferences');
    expect(initial.body).toMatchObject({ email: 'quiet@example.com', emailAvailable: true });
    expect(initial.body.kinds).toHaveLength(7);
    expect(initial.body.kinds.map((k: any) => k.kind)).toContain('security_alert');
    expect(initial.body.kinds.every((k: any) => k.inApp && k.email)).toBe(true);

    const put = await quiet.client.request('PUT', '/api/notifications/preferences', {
      kinds: [
        { kind: 'approval_waiting', inApp: false, email: false },
        { kind: 'deadline_near', inApp: true, email: false },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.kinds.find((k: any) => k.kind === 'deadline_near')).toEqual({
      kind: 'deadline_near',
      inApp: true,
      email: false,
    });

    await send(input(1)); // approval_waiting: quiet gets nothing
    await send(input(2, { kind: 'deadline_near' })); // in the app only for quiet
    await send(input(3, { kind: 'deadline_missed' })); // untouched kind: everything
    const inApp = await t.database.db.kysely
      .selectFrom('notifications')
      .select(['user_id', 'kind'])
      .where('user_id', '=', quiet.id)
      .execute();
    expect(inApp.map((n) => n.kind).sort()).toEqual(['deadline_missed', 'deadline_near']);
    const mails = (await deliveries()).filter((d) => d.channel === 'email');
    expect(mails.map((d) => `${d.recipient} ${d.kind}`).sort()).toEqual([
      'loud@example.com approval_waiting',
      'loud@example.com deadline_missed',
      'loud@example.com deadline_near',
      'quiet@example.com deadline_missed',
    ]);
    expect(
      await t.database.db.kysely
        .selectFrom('audit_events')
        .select('action')
        .where('action', '=', 'notification.preferences_update')
        .execute(),
    ).toHaveLength(1);
  });

  it('X-2 e-mail goes out over SMTP and is read back from a real SMTP server: Chinese subject and body in UTF-8', async () => {
    smtp = await startSmtpSink();
    await start({ SMTP_URL: smtp.url, SMTP_FROM: '发布管理平台 <releasegate@example.com>' });
    await user('mgr', ['operations_manager'], 'mgr@example.com');
    await user('nomail', ['operations_manager']); // no address: in the app only
    await send(input(7));
    expect(await drain()).toBe(1);
    const [mail] = smtp.messages();
    expect(smtp.messages()).toHaveLength(1);
    expect(mail).toMatchObject({
      rcptTos: ['mgr@example.com'],
      mailFrom: 'releasegate@example.com',
      subject: '【发布管理平台】发布计划待审批 #7',
      contentType: 'text/plain',
      charset: 'utf-8',
    });
    // Encoded as MIME words, so any mail server carries it.
    expect(mail.rawSubject).toMatch(/=\?utf-8\?/i);
    expect(mail.text).toContain('REL-2026-007 的发布计划已提交，请审批。');
    expect(mail.text).toContain('查看详情：https://release.example.com/releases/r7');
    expect(mail.text).toContain('The plan of REL-2026-007 was submitted.');
    const [d] = await deliveries();
    expect(d).toMatchObject({ channel: 'email', status: 'delivered', attempts: 1, response_code: 250 });
  });

  it('X-2 without SMTP_URL e-mail deliveries are recorded as skipped, never retried', async () => {
    await start();
    await user('mgr', ['operations_manager'], 'mgr@example.com');
    await send(input(1));
    expect(await drain()).toBe(1);
    expect(await deliveries()).toMatchObject([
      { status: 'skipped', last_error: 'SMTP is not configured (SMTP_URL)' },
    ]);
    // the reason as a code, which the delivery list answers beside its English.
    expect(JSON.parse((await deliveries())[0].last_error_reason!)).toEqual({
      code: 'delivery_smtp_not_configured',
      params: {},
    });
  });

  it('X-2 a generic webhook is signed (HMAC-SHA256 of the body) and the receiver verifies it; endpoints are for notifications.manage only', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const admin = await user('sys', ['system_administrator']);
    const mgr = await user('mgr', ['operations_manager']);
    const secret = 'a-shared-secret-of-the-receiver';
    expect(
      (
        await mgr.client.post('/api/notifications/webhooks', {
          name: 'x',
          format: 'generic',
          url: receiver.url(),
          kinds: ['approval_waiting'],
        })
      ).status,
    ).toBe(403);
    expect((await mgr.client.get('/api/notifications/deliveries')).status).toBe(403);
    const hook = await endpoint(admin.client, {
      name: '运维平台',
      format: 'generic',
      url: receiver.url('/hooks/rg'),
      secret,
    });
    expect(hook.hasSecret).toBe(true);
    const listed = await admin.client.get('/api/notifications/webhooks');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    const mismatched = await endpoint(admin.client, {
      name: 'other kinds',
      format: 'generic',
      url: receiver.url('/other'),
      kinds: ['trigger_raised'],
    });
    expect(mismatched.id).toBeTruthy();

    receiver.respond = (r) => {
      const expected = `sha256=${createHmac('sha256', secret).update(r.body).digest('hex')}`;
      return r.headers['x-releasegate-signature'] === expected ? { status: 204 } : { status: 401 };
    };
    await send(input(3));
    expect(await drain()).toBe(1);
    expect(receiver.requests).toHaveLength(1);
    const [req] = receiver.accepted;
    expect(req.path).toBe('/hooks/rg');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req.headers['x-releasegate-event']).toBe('approval_waiting');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      kind: 'approval_waiting',
      title: { zh: '发布计划待审批 #3', en: 'Release plan waiting for approval #3' },
      link: 'https://release.example.com/releases/r3',
      releaseId: 'r3',
      id: req.headers['x-releasegate-delivery'],
    });
    expect(String(body.timestamp)).toBe(req.headers['x-releasegate-timestamp']);
    const audited = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('action', '=', 'notification.webhook_create')
      .where('outcome', '=', 'success')
      .execute();
    expect(audited).toHaveLength(2);
    expect(audited.map((a) => a.after_json).join()).not.toContain(secret);

    // A wrong secret: the receiver refuses, the delivery waits for another attempt.
    await admin.client.patch(`/api/notifications/webhooks/${hook.id}`, {
      secret: 'not-the-receivers-secret',
    });
    await send(input(4));
    await drain();
    const list = await admin.client.get('/api/notifications/deliveries?status=pending');
    expect(list.body.items).toMatchObject([
      {
        endpointName: '运维平台',
        status: 'pending',
        attempts: 1,
        responseCode: 401,
        lastError: 'HTTP 401',
        lastErrorReason: { code: 'delivery_http_status', params: { status: 401 } },
      },
    ]);
  });

  it('X-2 DingTalk, WeCom and Feishu robots get their own payloads and signatures; a robot refusing in its body is retried', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const admin = await user('sys', ['system_administrator']);
    await user('mgr', ['operations_manager']);
    const dingSecret = 'SECdingtalk-robot-secret';
    const feishuSecret = 'feishu-robot-secret';
    await endpoint(admin.client, {
      name: '钉钉',
      format: 'dingtalk',
      url: receiver.url('/robot/send?access_token=tok'),
      secret: dingSecret,
    });
    await endpoint(admin.client, {
      name: '企业微信',
      format: 'wecom',
      url: receiver.url('/cgi-bin/webhook/send?key=k1'),
    });
    await endpoint(admin.client, {
      name: '飞书',
      format: 'feishu',
      url: receiver.url('/open-apis/bot/v2/hook/h1'),
      secret: feishuSecret,
    });
    let dingRefuses = true;
    receiver.respond = (r) => {
      if (r.path === '/robot/send') {
        // DingTalk: sign = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), on the query.
        const ts = r.query.get('timestamp')!;
        const sign = createHmac('sha256', dingSecret).update(`${ts}\n${dingSecret}`).digest('base64');
        if (r.query.get('sign') !== sign || r.query.get('access_token') !== 'tok')
          return { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } };
        // A refusal (not the robot's rate limit, which waits instead: notifications.robots.http.test.ts).
        if (dingRefuses) return { status: 200, body: { errcode: 310000, errmsg: 'keywords not in content' } };
        return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      }
      if (r.path === '/cgi-bin/webhook/send') return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
      // Feishu: sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = "")), in the body.
      const body = JSON.parse(r.body);
      const sign = createHmac('sha256', `${body.timestamp}\n${feishuSecret}`).update('').digest('base64');
      return body.sign === sign
        ? { status: 200, body: { code: 0, msg: 'success', data: {} } }
        : { status: 200, body: { code: 19021, msg: 'sign match fail' } };
    };
    await send(input(5));
    expect(await drain()).toBe(3);

    const by = (p: string) => receiver!.requests.filter((r) => r.path === p);
    const [ding] = by('/robot/send');
    expect(JSON.parse(ding.body)).toEqual({
      msgtype: 'markdown',
      markdown: {
        title: '发布计划待审批 #5',
        text: expect.stringContaining('REL-2026-005 的发布计划已提交，请审批。'),
      },
    });
    expect(JSON.parse(ding.body).markdown.text).toContain('(https://release.example.com/releases/r5)');
    expect(Math.abs(Number(ding.query.get('timestamp')) - t.clock.now().getTime())).toBe(0);
    const [wecom] = by('/cgi-bin/webhook/send');
    expect(wecom.query.get('key')).toBe('k1');
    const wecomBody = JSON.parse(wecom.body);
    expect(Object.keys(wecomBody)).toEqual(['msgtype', 'markdown']);
    expect(wecomBody.msgtype).toBe('markdown');
    expect(wecomBody.markdown.content).toContain('**发布计划待审批 #5**');
    expect(wecomBody.markdown.content).toContain('[查看详情 View](https://release.example.com/releases/r5)');
    const [feishu] = by('/open-apis/bot/v2/hook/h1');
    const feishuBody = JSON.parse(feishu.body);
    expect(feishuBody).toMatchObject({
      timestamp: String(Math.floor(t.clock.now().getTime() / 1000)),
      msg_type: 'post',
      content: {
        post: {
          zh_cn: {
            title: '发布计划待审批 #5',
            content: [
              [{ tag: 'text', text: 'REL-2026-005 的发布计划已提交，请审批。' }],
              // the one it asks to act, by name: no Feishu identity is bound to mgr's account.
              [
                { tag: 'text', text: '请处理：' },
                { tag: 'text', text: 'mgr' },
                { tag: 'text', text: ' ' },
              ],
              [{ tag: 'a', text: '查看详情', href: 'https://release.example.com/releases/r5' }],
            ],
          },
          en_us: { title: 'Release plan waiting for approval #5' },
        },
      },
    });
    expect((await deliveries()).map((d) => d.status).sort()).toEqual(['delivered', 'delivered', 'pending']);

    // DingTalk answered 200 with an error code: not delivered, retried after the backoff.
    const pendingDing = (await deliveries()).filter((d) => d.status === 'pending');
    expect(pendingDing).toMatchObject([
      { response_code: 200, last_error: expect.stringContaining('310000') },
    ]);
    dingRefuses = false;
    t.clock.advanceMinutes(2);
    expect(await drain()).toBe(1);
    expect(by('/robot/send')).toHaveLength(2);
    expect((await deliveries()).every((d) => d.status === 'delivered')).toBe(true);
  });

  it('X-2 a webhook receiver down for a while (503, then its port closed) still receives every event once it is back, exactly once and in order', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const admin = await user('sys', ['system_administrator']);
    await user('mgr', ['operations_manager']);
    await endpoint(admin.client, {
      name: 'ops',
      format: 'generic',
      url: receiver.url('/events'),
      secret: 'secret-of-ops-hook',
    });
    receiver.respond = () => ({ status: 503, body: { error: 'maintenance' } });
    for (let n = 1; n <= 3; n++) {
      await send(input(n));
      await drain();
      t.clock.advanceMinutes(1);
    }
    await receiver.close(); // now the port is closed: connection refused
    for (let n = 4; n <= 6; n++) {
      await send(input(n));
      await drain();
      t.clock.advanceMinutes(7);
      await drain();
    }
    // Down for two hours in all, attempts backing off.
    for (let i = 0; i < 8; i++) {
      t.clock.advanceMinutes(15);
      await drain();
    }
    expect(receiver.accepted).toHaveLength(0);
    const down = await deliveries();
    expect(down.every((d) => d.status === 'pending')).toBe(true);
    expect(down[0].last_error).toMatch(/^refused: 127\.0\.0\.1:\d+ refused the connection$/);
    // Only the oldest was attempted while the receiver was down; the others waited their turn.
    expect(down[0].attempts).toBeGreaterThan(3);
    expect(down.slice(1).every((d) => d.attempts <= 1)).toBe(true);

    receiver.respond = () => ({ status: 200, body: { ok: true } });
    await receiver.listen();
    t.clock.advanceMinutes(73); // past the longest backoff: an hour, plus up to 20 % jitter
    await drain();
    const received = receiver.accepted.map((r) => JSON.parse(r.body).title.zh as string);
    expect(received).toEqual([1, 2, 3, 4, 5, 6].map((n) => `发布计划待审批 #${n}`));
    expect(new Set(receiver.accepted.map((r) => r.headers['x-releasegate-delivery'])).size).toBe(6);
    expect((await deliveries()).every((d) => d.status === 'delivered')).toBe(true);
    // Nothing further goes out later.
    t.clock.advanceMinutes(24 * 60);
    expect(await drain()).toBe(0);
    expect(receiver.accepted).toHaveLength(6);
  });

  it('X-2 a delivery failing past its attempts is marked failed, listed with its last error, and can be sent again', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const admin = await user('sys', ['system_administrator']);
    await user('mgr', ['operations_manager']);
    await endpoint(admin.client, { name: 'broken', format: 'generic', url: receiver.url('/x') });
    receiver.respond = () => ({ status: 500, body: { error: 'boom' } });
    await send(input(1));
    await send(input(2));
    // The second waits for the first (in order), then has its own attempts: about a day in all.
    for (let i = 0; i < 60 && (await deliveries()).some((d) => d.status === 'pending'); i++) {
      t.clock.advanceMinutes(75);
      await drain();
    }
    await admin.client.login('sys'); // a day later: a new session
    const failed = await admin.client.get('/api/notifications/deliveries?status=failed');
    expect(failed.body.items).toHaveLength(2);
    const first = failed.body.items.find((d: any) => d.title.zh === '发布计划待审批 #1');
    expect(first).toMatchObject({
      endpointName: 'broken',
      attempts: DELIVERY_MAX_ATTEMPTS,
      responseCode: 500,
      // The status only: the receiver's body is never repeated.
      lastError: 'HTTP 500',
      lastErrorReason: { code: 'delivery_http_status', params: { status: 500 } },
    });
    // The first failing for good let the second have its turn.
    const second = failed.body.items.find((d: any) => d.title.zh === '发布计划待审批 #2');
    expect(second.attempts).toBe(DELIVERY_MAX_ATTEMPTS);
    expect(receiver.requests).toHaveLength(2 * DELIVERY_MAX_ATTEMPTS);

    receiver.respond = () => ({ status: 200 });
    const retried = await admin.client.post(`/api/notifications/deliveries/${first.id}/retry`);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.status).toBe('pending');
    expect((await admin.client.post(`/api/notifications/deliveries/${first.id}/retry`)).status).toBe(409);
    expect(await drain()).toBe(1);
    expect(receiver.accepted).toHaveLength(1);
    expect(
      (await admin.client.get('/api/notifications/deliveries?status=delivered')).body.items,
    ).toMatchObject([{ id: first.id, attempts: DELIVERY_MAX_ATTEMPTS + 1 }]);
  });

  it('X-2 an administrator tests an endpoint and sees the answer; deleting it cancels what is pending', async () => {
    receiver = await WebhookReceiver.start();
    await start();
    const admin = await user('sys', ['system_administrator']);
    await user('mgr', ['operations_manager']);
    const hook = await endpoint(admin.client, { name: 'ops', format: 'wecom', url: receiver.url('/send') });
    receiver.respond = () => ({ status: 200, body: { errcode: 93000, errmsg: 'invalid webhook url' } });
    const bad = await admin.client.post(`/api/notifications/webhooks/${hook.id}/test`);
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({ ok: false, responseCode: 200, error: expect.stringContaining('93000') });
    receiver.respond = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    const good = await admin.client.post(`/api/notifications/webhooks/${hook.id}/test`);
    expect(good.body).toMatchObject({
      ok: true,
      responseCode: 200,
      delivery: { kind: 'test', status: 'delivered' },
    });
    expect(JSON.parse(receiver.requests[1].body).markdown.content).toContain('测试消息');

    await receiver.close();
    await send(input(1));
    await drain();
    expect((await admin.client.request('DELETE', `/api/notifications/webhooks/${hook.id}`)).status).toBe(204);
    const all = (await admin.client.get('/api/notifications/deliveries')).body.items;
    expect(all.map((d: any) => d.status).sort()).toEqual(['cancelled', 'delivered', 'failed']);
    t.clock.advanceMinutes(60);
    await drain();
    expect((await deliveries()).find((d) => d.kind === 'approval_waiting')?.status).toBe('cancelled');
    const actions = await t.database.db.kysely
      .selectFrom('audit_events')
      .select('action')
      .where('action', 'like', 'notification.webhook_%')
      .orderBy('seq')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'notification.webhook_create',
      'notification.webhook_test',
      'notification.webhook_test',
      'notification.webhook_delete',
    ]);
  });

  it('X-2 the job runner polls on its own when enabled: a notification e-mail arrives without runDue', async () => {
    smtp = await startSmtpSink();
    await start({ SMTP_URL: smtp.url, JOBS_ENABLED: 'true', JOBS_POLL_MS: '20' });
    await user('mgr', ['operations_manager'], 'mgr@example.com');
    // The runner polls with the test's clock: the job is due at the clock's now.
    await send(input(9));
    await vi.waitFor(() => expect(smtp!.messages()).toHaveLength(1), { timeout: 10_000, interval: 50 });
  });
});
