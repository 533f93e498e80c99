import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';
import {
  FEISHU_APP,
  WECOM_APP,
  bindConfirmed,
  feishuPress,
  sendToServer,
  wecomPress,
} from '../../test/chat-vendors';
import { WebhookReceiver } from './testing/receivers';

/** What a chat app's API answers, as its vendor's document says (the receiver plays the vendor). */
function playFeishuApi(receiver: WebhookReceiver) {
  receiver.respond = (r) => {
    if (r.path === '/open-apis/auth/v3/tenant_access_token/internal') {
      const { app_id, app_secret } = JSON.parse(r.body);
      return app_id === 'cli_release' && app_secret === 'feishu-app-secret'
        ? { status: 200, body: { code: 0, msg: 'ok', tenant_access_token: 't-g1044', expire: 7200 } }
        : { status: 200, body: { code: 10014, msg: 'app secret invalid' } };
    }
    if (r.path === '/open-apis/im/v1/messages')
      return r.headers.authorization === 'Bearer t-g1044'
        ? { status: 200, body: { code: 0, msg: 'success', data: { message_id: 'om_1' } } }
        : { status: 200, body: { code: 99991663, msg: 'Invalid access token for authorization' } };
    return { status: 404, body: {} };
  };
}

function playWecomApi(receiver: WebhookReceiver) {
  receiver.respond = (r) => {
    if (r.path === '/cgi-bin/gettoken')
      return r.query.get('corpid') === WECOM_APP.WECOM_CORP_ID &&
        r.query.get('corpsecret') === 'wecom-app-secret'
        ? { status: 200, body: { errcode: 0, errmsg: 'ok', access_token: 'wx-token-1', expires_in: 7200 } }
        : { status: 200, body: { errcode: 40001, errmsg: 'invalid credential' } };
    if (r.path === '/cgi-bin/message/send')
      return r.query.get('access_token') === 'wx-token-1'
        ? { status: 200, body: { errcode: 0, errmsg: 'ok', response_code: 'rc-1' } }
        : { status: 200, body: { errcode: 42001, errmsg: 'access_token expired' } };
    return { status: 404, body: {} };
  };
}

describe.each(DIALECTS)('X-2 decision cards through chat apps on %s', (dialect) => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let admin: HttpClient;
  afterEach(async () => {
    await t?.close();
    await receiver?.close();
  });
  const start = async () => {
    t = await startTestApp(dialect, {
      ...SESSIONS_FOR_A_DAY,
      PUBLIC_URL: 'https://release.example.com',
      OUTBOUND_ALLOW: '127.0.0.1/32',
      ...FEISHU_APP,
      ...WECOM_APP,
    });
    t.clock.set('2026-02-01T14:30:00Z');
    receiver = await WebhookReceiver.start();
    c = await signInRoles(t);
    await t.seedUser('sysadmin', ['system_administrator']);
    admin = new HttpClient(t.url);
    await admin.login('sysadmin');
  };
  const drain = async () => {
    for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue());
  };
  const bind = (username: string, contact: Parameters<typeof bindConfirmed>[2]) =>
    bindConfirmed(t, username, contact);
  /** A version an engineer registered, whose approval notice (a to-do for the managers) goes out. */
  const pendingVersion = async () => {
    const v = (await c.eng1.post('/api/dsl/versions', { name: 'billing', version: `2.1.${Math.random()}` }))
      .body;
    expect(
      (await c.eng1.upload('PUT', `/api/dsl/versions/${v.id}/content`, Buffer.from(`a ${v.id}`))).status,
    ).toBe(200);
    return v.id as string;
  };
  const deliveries = () =>
    t.database.db.kysely
      .selectFrom('notification_deliveries')
      .select(['status', 'last_error_reason'])
      .where('channel', '=', 'webhook')
      .execute();

  it('X-2 DS-2 a Feishu app posts the decision as a card: who must act @-mentioned, a reason field, 批准/驳回 whose press approves through the callback', async () => {
    await start();
    playFeishuApi(receiver);
    await bind('boss', { feishu_user_id: 'ou_boss' });
    const created = await admin.post('/api/notifications/webhooks', {
      name: '发布群（飞书应用）',
      format: 'feishu_app',
      url: receiver.url(),
      secret: 'feishu-app-secret',
      app: { appId: 'cli_release', chatId: 'oc_release_group' },
      kinds: ['approval_waiting'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      app: { appId: 'cli_release', chatId: 'oc_release_group' },
      hasSecret: true,
    });
    const versionId = await pendingVersion();
    await pendingVersion();
    await drain();

    // One token for both cards: kept until shortly before it expires.
    expect(receiver.requests.map((r) => r.path)).toEqual([
      '/open-apis/auth/v3/tenant_access_token/internal',
      '/open-apis/im/v1/messages',
      '/open-apis/im/v1/messages',
    ]);
    const sent = JSON.parse(receiver.requests[1].body);
    expect(sent).toMatchObject({ receive_id: 'oc_release_group', msg_type: 'interactive' });
    expect(receiver.requests[1].query.get('receive_id_type')).toBe('chat_id');
    const card = JSON.parse(sent.content);
    expect(card.schema).toBe('2.0');
    const text = JSON.stringify(card);
    expect(text).toContain('<at id=ou_boss></at>');
    expect(text).toContain('https://release.example.com/dsl/versions/');
    const form = card.body.elements.find((e: any) => e.tag === 'form');
    expect(form.elements.map((e: any) => e.tag)).toEqual(['input', 'button', 'button']);
    const [approve, reject] = form.elements.slice(1);
    expect([approve.text.content, reject.text.content]).toEqual(['批准', '驳回']);
    expect(approve.form_action_type).toBe('submit');

    // The manager presses 批准 on the card: Feishu calls back with the button's value.
    const rg = approve.behaviors[0].value.rg;
    const pressed = await sendToServer(
      t.url,
      feishuPress(t.clock.now(), 'ou_boss', rg, { reason: '已核对' }),
    );
    expect(pressed.json).toEqual({ toast: { type: 'success', content: '已提交：批准' } });
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body).toMatchObject({
      state: 'approved',
      decidedBy: 'boss',
    });
    // A button of one version does not act on another: the value names its version.
    expect(reject.behaviors[0].value.rg).not.toBe(rg);
  });

  it('X-2 DS-2 a WeCom app sends the card to the bound people who must act; a choice that needs a reason opens the page; nobody bound: skipped, said why; the app needs its ids', async () => {
    await start();
    playWecomApi(receiver);
    const missing = await admin.post('/api/notifications/webhooks', {
      name: '企业微信应用',
      format: 'wecom_app',
      url: receiver.url(),
      secret: 'wecom-app-secret',
      app: { corpId: WECOM_APP.WECOM_CORP_ID },
      kinds: ['approval_waiting'],
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields).toEqual({ 'app.agentId': ['required'] });
    const created = await admin.post('/api/notifications/webhooks', {
      name: '企业微信应用',
      format: 'wecom_app',
      url: receiver.url(),
      secret: 'wecom-app-secret',
      app: { corpId: WECOM_APP.WECOM_CORP_ID, agentId: 1000002 },
      kinds: ['approval_waiting'],
    });
    expect(created.status).toBe(201);

    // Nobody who must act has a WeCom id: the card goes to no one, and the delivery says so.
    await pendingVersion();
    await drain();
    expect(receiver.requests).toHaveLength(0);
    expect(await deliveries()).toEqual([
      {
        status: 'skipped',
        last_error_reason: JSON.stringify({
          code: 'delivery_no_bound_recipient',
          params: { format: 'wecom_app' },
        }),
      },
    ]);

    await bind('boss', { wecom_user_id: 'ZhangSan' });
    const versionId = await pendingVersion();
    await drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/cgi-bin/gettoken', '/cgi-bin/message/send']);
    const sent = JSON.parse(receiver.requests[1].body);
    expect(sent).toMatchObject({ touser: 'ZhangSan', msgtype: 'template_card', agentid: 1000002 });
    expect(sent.template_card.card_type).toBe('button_interaction');
    const [approve, reject] = sent.template_card.button_list;
    expect(approve).toMatchObject({ text: '批准' });
    expect(reject).toMatchObject({ text: '驳回（填写理由）', type: 1 });
    expect(reject.url).toMatch(/^https:\/\/release\.example\.com\/dsl\/versions\//);

    const pressed = await sendToServer(t.url, wecomPress(t.clock.now(), 'ZhangSan', approve.key));
    expect(pressed.status).toBe(200);
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body.state).toBe('approved');
  });

  it('X-2 RB-2 a rollback trigger goes out as a card with 决定回退/继续实施, and its escalation 10 minutes before the deadline carries the decision again', async () => {
    await start();
    playFeishuApi(receiver);
    await bind('boss', { feishu_user_id: 'ou_boss' });
    await admin.post('/api/notifications/webhooks', {
      name: '发布群',
      format: 'feishu_app',
      url: receiver.url(),
      secret: 'feishu-app-secret',
      app: { appId: 'cli_release', chatId: 'oc_release_group' },
      kinds: ['trigger_raised', 'deadline_near'],
    });
    const r = await readyRelease(t, c);
    await c.impl.post(`/api/releases/${r.id}/implementation/start`);
    await runStep(c.impl, r.id, 'implementation', 0);
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, { kind: 'data', summary: '对账不平' });
    expect(raised.status).toBe(200);
    await drain();
    t.clock.advance(20 * 60_000);
    await drain();
    const cards = receiver.requests
      .filter((q) => q.path === '/open-apis/im/v1/messages')
      .map((q) => JSON.parse(JSON.parse(q.body).content));
    expect(cards.map((card) => card.header.title.content)).toEqual([
      expect.stringContaining('回退触发'),
      expect.stringContaining('回退决策还剩 10 分钟'),
    ]);
    for (const card of cards) {
      const form = card.body.elements.find((e: any) => e.tag === 'form');
      expect(form.elements.slice(1).map((b: any) => b.text.content)).toEqual(['决定回退', '继续实施']);
      expect(JSON.stringify(card)).toContain('<at id=ou_boss></at>');
    }
    // The escalation's button decides the same trigger.
    const rg = cards[1].body.elements.find((e: any) => e.tag === 'form').elements[1].behaviors[0].value.rg;
    const pressed = await sendToServer(t.url, feishuPress(t.clock.now(), 'ou_boss', rg));
    expect(pressed.json.toast.type).toBe('success');
    expect((await c.boss.get(`/api/releases/${r.id}/rollback`)).body.triggers[0]).toMatchObject({
      decision: 'rollback',
      decidedBy: 'boss',
    });
  });
});
