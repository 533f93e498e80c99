import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { systemResolver, type HostResolver } from '../../outbound/outbound-policy';
import { scriptedDns } from '../../outbound/testing/scripted-dns';
import { insertEndpoint } from './notification.repository';
import { notify } from './notify';
import { WebhookReceiver } from './testing/receivers';

/** A public address (example.com's) the scripted names answer when they play an honest receiver. */
const PUBLIC = '93.184.215.14';

describe.each(DIALECTS)('outbound calls under control (X-4, X-2) on %s', (dialect) => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    await t?.close();
    for (const r of receivers.splice(0)) await r.close();
  });
  const receiver = async (host = '127.0.0.1', port?: number) => {
    const r = await WebhookReceiver.start(host, port);
    receivers.push(r);
    return r;
  };
  const start = async (env: Record<string, string>, dns: HostResolver = systemResolver) => {
    t = await startTestApp(
      dialect,
      { PUBLIC_URL: 'https://release.example.com', SESSION_IDLE_MINUTES: '1440', ...env },
      { outboundResolver: dns },
    );
  };
  const admin = async () => {
    await t.seedUser('sys', ['system_administrator']);
    const client = new HttpClient(t.url);
    expect((await client.login('sys')).status).toBe(200);
    return client;
  };
  const drain = async () => {
    let total = 0;
    for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
    return total;
  };
  const send = () =>
    t.database.db.kysely.transaction().execute((trx) =>
      notify(trx, t.clock, {
        kind: 'state_changed',
        title: { zh: '发布状态变更', en: 'Release state changed' },
        body: { zh: 'REL-2026-0001 已开始实施', en: 'REL-2026-0001 is being implemented' },
        audience: { userIds: [] },
      }),
    );
  const q = () => t.database.db.kysely;
  const auditRows = () => q().selectFrom('audit_events').selectAll().orderBy('seq').execute();
  const deliveryRows = () => q().selectFrom('notification_deliveries').selectAll().orderBy('seq').execute();

  it('X-4 a webhook to loopback, link-local, private, IPv4-mapped or a numeric spelling of them is refused at save with a 400 naming the field and the rule; nothing is stored but the audited refusal', async () => {
    const listening = await receiver('127.0.0.1');
    await start({}, scriptedDns({ 'hooks.example.com': [[PUBLIC]] }, systemResolver).resolver);
    const client = await admin();
    const refused: [string, string][] = [
      [listening.url('/hook'), '127.0.0.1 is a loopback address'],
      [`http://[::1]:${listening.port}/hook`, '::1 is a loopback address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
      ['http://10.0.12.7:8080/hook', '10.0.12.7 is a private address'],
      [`http://2130706433:${listening.port}/`, '127.0.0.1 is a loopback address'],
      [`http://0x7f.1:${listening.port}/`, '127.0.0.1 is a loopback address'],
      [`http://[::ffff:127.0.0.1]:${listening.port}/`, '::ffff:7f00:1 is an IPv4-mapped address'],
      [`http://localhost:${listening.port}/`, 'localhost resolves to 127.0.0.1, a loopback address'],
    ];
    const before = (await auditRows()).length;
    for (const [url, why] of refused) {
      const r = await client.post('/api/notifications/webhooks', {
        name: `hook ${url}`,
        format: 'generic',
        url,
        kinds: ['state_changed'],
      });
      expect(r.status, url).toBe(400);
      const message = `X-4 outbound policy: ${why}, not listed in OUTBOUND_ALLOW`;
      expect(r.body.error, url).toMatchObject({
        code: 'invalid_input',
        details: { rule: 'X-4 outbound policy', fields: { url: [message] } },
      });
    }
    expect(listening.connections).toBe(0);
    expect(await q().selectFrom('webhook_endpoints').selectAll().execute()).toEqual([]);
    const events = (await auditRows()).slice(before);
    expect(events).toHaveLength(refused.length);
    for (const e of events)
      expect(e).toMatchObject({
        action: 'notification.webhook_create',
        outcome: 'denied',
        actor_name: 'sys',
      });
    expect(JSON.parse(events[2].details_json!)).toMatchObject({
      rule: 'X-4 outbound policy',
      address: '169.254.169.254',
      range: 'link-local',
      url: 'http://169.254.169.254/latest/meta-data/',
    });

    // Changing an allowed endpoint's URL to a forbidden one: refused the same way, the endpoint unchanged.
    const ok = await client.post('/api/notifications/webhooks', {
      name: 'ops',
      format: 'generic',
      url: 'https://hooks.example.com/rg',
      kinds: ['state_changed'],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const patch = await client.patch(`/api/notifications/webhooks/${ok.body.id}`, {
      url: 'http://192.168.0.10/rg',
    });
    expect(patch.status).toBe(400);
    expect(patch.body.error.details.fields.url).toEqual([
      'X-4 outbound policy: 192.168.0.10 is a private address, not listed in OUTBOUND_ALLOW',
    ]);
    const [stored] = await q().selectFrom('webhook_endpoints').select('url').execute();
    expect(t.app.secrets.open(stored.url)).toBe('https://hooks.example.com/rg');
    expect((await auditRows()).at(-1)).toMatchObject({
      action: 'notification.webhook_update',
      outcome: 'denied',
    });
  });

  it('X-4 X-2 a name that resolves to loopback at call time is refused at delivery: the delivery fails with the policy reason and no connection reaches the receiver listening there', async () => {
    const internal = await receiver('127.0.0.1');
    // hooks.rebind.test answers a public address when saved, loopback ever after (DNS rebinding).
    await start({}, scriptedDns({ 'hooks.rebind.test': [[PUBLIC], ['127.0.0.1']] }, systemResolver).resolver);
    const client = await admin();
    const created = await client.post('/api/notifications/webhooks', {
      name: 'rebinding',
      format: 'generic',
      url: `http://hooks.rebind.test:${internal.port}/hook`,
      kinds: ['state_changed'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    // An endpoint saved before the policy existed, to localhost (the system's DNS answers it).
    const at = t.clock.now().toISOString();
    await insertEndpoint(
      q(),
      {
        id: 'legacy',
        name: 'legacy localhost',
        format: 'generic',
        url: `http://localhost:${internal.port}/hook`,
        secret: null,
        app: null,
        keyword: null,
        kinds: ['state_changed'],
        enabled: true,
        createdBy: null,
        createdAt: at,
        updatedAt: at,
      },
      t.app.secrets,
    );

    await send();
    expect(await drain()).toBe(2);
    const rows = await deliveryRows();
    expect(rows).toHaveLength(2);
    expect(rows.map((d) => [d.endpoint_id, d.status, d.attempts, d.response_code, d.last_error])).toEqual(
      expect.arrayContaining([
        [
          created.body.id,
          'failed',
          1,
          null,
          'blocked by outbound policy (X-4): hooks.rebind.test resolves to 127.0.0.1, a loopback address, not listed in OUTBOUND_ALLOW',
        ],
        [
          'legacy',
          'failed',
          1,
          null,
          'blocked by outbound policy (X-4): localhost resolves to 127.0.0.1, a loopback address, not listed in OUTBOUND_ALLOW',
        ],
      ]),
    );
    // Failed at once: the policy will not change by itself, so no attempt is wasted later.
    t.clock.advanceMinutes(120);
    expect(await drain()).toBe(0);

    const test = await client.post(`/api/notifications/webhooks/${created.body.id}/test`);
    expect(test.body).toMatchObject({
      ok: false,
      responseCode: null,
      errorClass: 'blocked',
      // the refusal as a code, with the host, the address and its range as data.
      errorReason: {
        code: 'delivery_blocked_resolved',
        params: { host: 'hooks.rebind.test', address: '127.0.0.1', range: 'loopback' },
      },
    });
    expect(test.body.error).toMatch(
      /^blocked by outbound policy \(X-4\): hooks\.rebind\.test resolves to 127\.0\.0\.1/,
    );
    expect(internal.connections).toBe(0);
  });

  it('X-4 X-2 a redirect from an allowed receiver is not followed, neither to a forbidden address nor anywhere else', async () => {
    const allowed = await receiver('127.0.0.1');
    const forbidden = await receiver('127.0.0.2');
    await start({ OUTBOUND_ALLOW: '127.0.0.1/32' });
    const client = await admin();
    const hook = await client.post('/api/notifications/webhooks', {
      name: 'moves',
      format: 'generic',
      url: allowed.url('/hook'),
      kinds: ['state_changed'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    allowed.respond = (r) =>
      r.path === '/hook' ? { status: 307, headers: { location: forbidden.url('/steal') } } : { status: 200 };
    await send();
    await drain();
    expect(await deliveryRows()).toMatchObject([
      {
        status: 'pending',
        response_code: 307,
        last_error: 'redirect not followed: HTTP 307',
        last_error_reason: JSON.stringify({ code: 'delivery_redirect', params: { status: 307 } }),
      },
    ]);
    allowed.respond = () => ({ status: 302, headers: { location: allowed.url('/elsewhere') } });
    const test = await client.post(`/api/notifications/webhooks/${hook.body.id}/test`);
    expect(test.body).toMatchObject({
      ok: false,
      responseCode: 302,
      errorClass: 'redirect',
      error: 'redirect not followed: HTTP 302',
    });
    expect(forbidden.connections).toBe(0);
    expect(allowed.requests.map((r) => r.path)).toEqual(['/hook', '/hook']);
  });

  it("X-4 X-2 the test button and the delivery list show the status, never the receiver's body: not in the API answer, the delivery record or the audit trail", async () => {
    const internal = await receiver('127.0.0.1');
    await start({ OUTBOUND_ALLOW: '127.0.0.1/32' });
    const client = await admin();
    const SECRET = 'root:x:0:0 db_password=TOPSECRET-0451';
    const generic = await client.post('/api/notifications/webhooks', {
      name: 'generic',
      format: 'generic',
      url: internal.url('/generic'),
      kinds: ['state_changed'],
    });
    const wecom = await client.post('/api/notifications/webhooks', {
      name: 'wecom',
      format: 'wecom',
      url: internal.url('/wecom?key=k'),
      kinds: ['state_changed'],
    });
    let robotJson = true;
    internal.respond = (r) =>
      r.path === '/generic'
        ? { status: 500, body: SECRET }
        : robotJson
          ? { status: 200, body: { errcode: 40058, errmsg: SECRET } }
          : { status: 200, body: SECRET };

    const answers = [
      await client.post(`/api/notifications/webhooks/${generic.body.id}/test`),
      await client.post(`/api/notifications/webhooks/${wecom.body.id}/test`),
    ];
    robotJson = false;
    answers.push(await client.post(`/api/notifications/webhooks/${wecom.body.id}/test`));
    expect(answers.map((a) => [a.body.ok, a.body.responseCode, a.body.errorClass, a.body.error])).toEqual([
      [false, 500, 'http_status', 'HTTP 500'],
      [false, 200, 'robot_refused', 'the WeCom robot refused the message: code 40058'],
      [false, 200, 'bad_reply', "the WeCom robot's reply is not a JSON object (HTTP 200)"],
    ]);
    // the same as codes with their parameters: the robot's format and number, the status.
    expect(answers.map((a) => a.body.errorReason)).toEqual([
      { code: 'delivery_http_status', params: { status: 500 } },
      { code: 'delivery_robot_refused', params: { format: 'wecom', code: '40058' } },
      { code: 'delivery_bad_reply', params: { format: 'wecom', status: 200 } },
    ]);
    expect(answers.map((a) => a.body.delivery.lastErrorReason)).toEqual(
      answers.map((a) => a.body.errorReason),
    );
    // The same through the delivery job.
    await send();
    await drain();
    const list = await client.get('/api/notifications/deliveries');
    expect(list.body.items.filter((d: any) => d.kind === 'state_changed')).toHaveLength(2);

    const everything = JSON.stringify([
      answers.map((a) => a.body),
      list.body,
      await deliveryRows(),
      await auditRows(),
    ]);
    expect(everything).not.toContain('TOPSECRET');
    expect(everything).not.toContain('db_password');
    expect(internal.requests).toHaveLength(5);
  });

  it('X-4 robot tokens in webhook URLs show as *** in API answers and audit events, are kept where stored and sent, and survive an edit that leaves the URL as shown', async () => {
    const robot = await receiver('127.0.0.1');
    await start({ OUTBOUND_ALLOW: '127.0.0.1/32' });
    const client = await admin();
    const TOKEN = 'ding-access-token-5f0c1d';
    const created = await client.post('/api/notifications/webhooks', {
      name: '钉钉',
      format: 'dingtalk',
      url: robot.url(`/robot/send?access_token=${TOKEN}`),
      secret: 'SECdingtalk-robot-secret',
      kinds: ['state_changed'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const shown = robot.url('/robot/send?access_token=***');
    expect(created.body.url).toBe(shown);
    expect((await client.get('/api/notifications/webhooks')).body.endpoints[0].url).toBe(shown);

    // The edit form sends the URL back as it was shown: the stored token is kept.
    const renamed = await client.patch(`/api/notifications/webhooks/${created.body.id}`, {
      name: '钉钉群',
      url: shown,
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    // Stored sealed: the database holds no token in clear; the server opens it to send.
    const raw = async () =>
      (await q().selectFrom('webhook_endpoints').select('url').executeTakeFirstOrThrow()).url;
    expect(await raw()).toMatch(/^enc:v1:/);
    expect(await raw()).not.toContain(TOKEN);
    const stored = async () => t.app.secrets.open(await raw());
    expect(await stored()).toBe(robot.url(`/robot/send?access_token=${TOKEN}`));
    robot.respond = () => ({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    await send();
    await drain();
    expect(robot.accepted[0].query.get('access_token')).toBe(TOKEN);

    // *** elsewhere would carry the hidden token to an address it was not given for: refused.
    const moved = await client.patch(`/api/notifications/webhooks/${created.body.id}`, {
      url: robot.url('/other/send?access_token=***'),
    });
    expect(moved.status).toBe(400);
    expect(moved.body.error.details.fields.url[0]).toMatch(
      /^still shows \*\*\* where a credential was hidden/,
    );

    // A new token: stored, shown as ***, and the audit event says the URL's credential was replaced.
    const NEW_TOKEN = 'ding-access-token-77aa01';
    const replaced = await client.patch(`/api/notifications/webhooks/${created.body.id}`, {
      url: robot.url(`/robot/send?access_token=${NEW_TOKEN}`),
    });
    expect(replaced.body.url).toBe(shown);
    expect(await stored()).toBe(robot.url(`/robot/send?access_token=${NEW_TOKEN}`));
    const audit = await auditRows();
    const last = audit.at(-1)!;
    expect(last.action).toBe('notification.webhook_update');
    expect(JSON.parse(last.details_json!)).toEqual({ urlCredentials: 'replaced' });
    const trail = JSON.stringify(audit);
    expect(trail).not.toContain(TOKEN);
    expect(trail).not.toContain(NEW_TOKEN);
    expect(trail).toContain('access_token=***');
  });
});
