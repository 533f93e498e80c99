import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, auditEvents, startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, triggerAwaitingDecision } from '../../test/implementation';
import { SecretBox } from '../../storage/secret-box';
import { sealAction, type CardChoice, type CardTarget } from './chat.actions';
import { sealedDecrypt, sealedEncrypt } from './chat.crypto';
import {
  DINGTALK_APP,
  FEISHU_APP,
  WECOM_APP,
  dingtalkPress,
  feishuPress as pressOnFeishu,
  sealedQuery,
  bindConfirmed,
  sendToServer,
  wecomPress,
  type VendorRequest,
} from '../../test/chat-vendors';
import { CHAT_GRANT_HEADER } from './chat.grants';

describe.each(DIALECTS)('X-2 decisions from chat cards on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, { ...SESSIONS_FOR_A_DAY, ...FEISHU_APP, ...WECOM_APP, ...DINGTALK_APP });
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const bind = (username: string, contact: Parameters<typeof bindConfirmed>[2]) =>
    bindConfirmed(t, username, contact);
  const value = (target: CardTarget, choice: CardChoice) =>
    sealAction(t.app.secrets, target, choice, t.clock.now());
  const seconds = () => String(Math.floor(t.clock.now().getTime() / 1000));

  const feishu = (r: VendorRequest) => sendToServer(t.url, r);
  const feishuPress = (openId: string, rg: unknown, options?: Parameters<typeof pressOnFeishu>[3]) =>
    pressOnFeishu(t.clock.now(), openId, rg, options);
  const events = (action: string) => auditEvents(t, action);
  const details = (row: { details_json: string | null }) => JSON.parse(row.details_json ?? 'null');

  const awaitingDecision = () => triggerAwaitingDecision(t, c);
  const triggerOf = async (releaseId: string) =>
    (await c.boss.get(`/api/releases/${releaseId}/rollback`)).body.triggers[0];

  it('X-2 RB-2 a Feishu card press with a good signature decides as the bound manager; a replay, a bad or stale signature, an unbound sender and a forged button are refused and audited', async () => {
    await bind('boss', { feishu_user_id: 'ou_boss' });
    const { releaseId, triggerId } = await awaitingDecision();
    const target: CardTarget = { op: 'rollback', releaseId, triggerId };

    // A bad signature (another app's key), a stale one, an unbound sender, a forged button: nothing decided.
    const badKey = await feishu(feishuPress('ou_boss', value(target, 'rollback'), { key: 'another-key' }));
    expect(badKey.status).toBe(401);
    expect(badKey.json.error.details.reasons[0].reasonCode).toBe('chat_signature_wrong');
    const stale = await feishu(
      feishuPress('ou_boss', value(target, 'rollback'), { timestamp: String(Number(seconds()) - 301) }),
    );
    expect(stale.status).toBe(401);
    expect(stale.json.error.details.reasons[0].reasonCode).toBe('chat_callback_stale');
    const unbound = await feishu(feishuPress('ou_stranger', value(target, 'rollback')));
    expect(unbound.json.toast).toEqual({
      type: 'error',
      content: expect.stringContaining('没有账号绑定此飞书用户'),
    });
    const otherKey = SecretBox.loadOrCreate(`${t.config.dataDir}/other-${randomUUID()}.key`);
    const forged = await feishu(
      feishuPress('ou_boss', sealAction(otherKey, target, 'rollback', t.clock.now())),
    );
    expect(forged.json.toast.content).toBe('卡片按钮中没有本系统的操作');
    expect((await triggerOf(releaseId)).decision).toBeNull();
    expect((await events('chat.card_action')).map((e) => [e.outcome, details(e).reason])).toEqual([
      ['denied', 'bad_signature'],
      ['denied', 'stale'],
      ['denied', 'unbound'],
      ['denied', 'forged'],
    ]);

    // Continuing needs a reason, as on the web: the card's field was left empty.
    const noReason = await feishu(feishuPress('ou_boss', value(target, 'continue')));
    expect(noReason.json.toast.type).toBe('error');
    expect((await triggerOf(releaseId)).decision).toBeNull();

    // The good press decides, as the manager, and every event of it names the channel.
    const press = feishuPress('ou_boss', value(target, 'rollback'), {
      reason: '转账失败率持续升高',
      eventId: 'ev-good-1',
    });
    const good = await feishu(press);
    expect(good.status).toBe(200);
    expect(good.json).toEqual({ toast: { type: 'success', content: '已提交：决定回退' } });
    const trigger = await triggerOf(releaseId);
    expect(trigger).toMatchObject({
      decision: 'rollback',
      decidedBy: 'boss',
      decisionReason: '转账失败率持续升高',
    });
    const [decided] = (await events('release.decide_rollback')).filter((e) => e.outcome === 'success');
    expect(decided).toMatchObject({ actor_name: 'boss', outcome: 'success', entity_id: releaseId });
    expect(details(decided).channel).toEqual({
      vendor: 'feishu',
      vendorUserId: 'ou_boss',
      callbackId: 'ev-good-1',
    });

    // The same callback again (captured and resent): refused, recorded, nothing more decided.
    const replay = await feishu(press);
    expect(replay.json.toast).toEqual({ type: 'error', content: '此飞书回调已收到过，不再重复执行' });
    expect((await events('release.decide_rollback')).filter((e) => e.outcome === 'success')).toHaveLength(1);
    expect(details((await events('chat.card_action')).at(-1)!)).toMatchObject({
      reason: 'replayed',
      callbackId: 'ev-good-1',
    });
  });

  it('X-2 RB-2 RO-3 a card press from someone bound but without the authority is refused by the same rule as the web and audited with the channel', async () => {
    await bind('eng1', { feishu_user_id: 'ou_eng1' });
    const { releaseId, triggerId } = await awaitingDecision();
    const res = await feishu(
      feishuPress('ou_eng1', value({ op: 'rollback', releaseId, triggerId }, 'rollback'), {
        eventId: 'ev-eng',
      }),
    );
    expect(res.status).toBe(200);
    expect(res.json.toast.type).toBe('error');
    expect((await triggerOf(releaseId)).decision).toBeNull();
    const refusedEvents = (await events('release.decide_rollback')).filter((e) => e.outcome === 'denied');
    expect(refusedEvents).toHaveLength(1);
    expect(refusedEvents[0]).toMatchObject({
      actor_name: 'eng1',
      entity_type: 'release',
      entity_id: releaseId,
    });
    expect(details(refusedEvents[0]).channel).toEqual({
      vendor: 'feishu',
      vendorUserId: 'ou_eng1',
      callbackId: 'ev-eng',
    });
  });

  it('X-4 a request from outside naming a chat grant is refused: grants never leave the process', async () => {
    const { releaseId, triggerId } = await awaitingDecision();
    const res = await fetch(`${t.url}/api/releases/${releaseId}/triggers/${triggerId}/decision`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [CHAT_GRANT_HEADER]: randomBytes(32).toString('base64url'),
      },
      body: JSON.stringify({ decision: 'rollback' }),
    });
    expect(res.status).toBe(401);
    expect((await triggerOf(releaseId)).decision).toBeNull();
  });

  /** A DSL version registered by an engineer, with content, awaiting approval. */
  const pendingVersion = async () => {
    const v = (
      await c.eng1.post('/api/dsl/versions', {
        name: 'billing',
        version: `2.1.${Math.floor(Math.random() * 1e6)}`,
      })
    ).body;
    expect(
      (await c.eng1.upload('PUT', `/api/dsl/versions/${v.id}/content`, Buffer.from(`artifact ${v.id}`)))
        .status,
    ).toBe(200);
    return v.id as string;
  };

  it('X-2 X-4 a chat id a user bound themselves decides nothing from a card until the security administrator confirms it; changing it again drops the confirmation', async () => {
    const versionId = await pendingVersion();
    const press = () =>
      feishu(feishuPress('ou_boss_own', value({ op: 'dsl', versionId }, 'approve'), { reason: '已核对' }));
    expect(
      (await c.boss.request('PUT', '/api/account/contact', { feishuUserId: 'ou_boss_own' })).status,
    ).toBe(200);
    const unconfirmed = await press();
    expect(unconfirmed.json.toast).toEqual({
      type: 'error',
      content: expect.stringContaining('尚未经安全管理员确认'),
    });
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body.state).not.toBe('approved');
    expect(details((await events('chat.card_action')).at(-1)!)).toMatchObject({
      reason: 'unconfirmed',
      username: 'boss',
    });

    // The security administrator saves the binding: confirmed, by them.
    await t.seedUser('sec', ['security_administrator']);
    const sec = new HttpClient(t.url);
    await sec.login('sec');
    const bossId = (await c.boss.get('/api/auth/session')).body.user.id as string;
    const confirmed = await sec.request('PUT', `/api/users/${bossId}/contact`, {
      feishuUserId: 'ou_boss_own',
    });
    expect(confirmed.body).toMatchObject({ feishuUserId: 'ou_boss_own', confirmedBy: 'sec' });
    expect((await press()).json.toast.type).toBe('success');
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body.state).toBe('approved');

    // A phone number changed by the user keeps it; a chat id changed by the user drops it.
    const phone = await c.boss.request('PUT', '/api/account/contact', { mobilePhone: '13800001111' });
    expect(phone.body.confirmedBy).toBe('sec');
    const moved = await c.boss.request('PUT', '/api/account/contact', { feishuUserId: 'ou_boss_other' });
    expect(moved.body).toMatchObject({ confirmedBy: null, confirmedAt: null });
  });

  it('X-2 DS-2 a WeCom template card press approves a software version as the bound manager; a bad msg_signature or another corp is refused; the URL check answers', async () => {
    await bind('boss', { wecom_user_id: 'ZhangSan' });
    const versionId = await pendingVersion();
    const rg = value({ op: 'dsl', versionId }, 'approve');
    const otherCorp = await sendToServer(
      t.url,
      wecomPress(t.clock.now(), 'ZhangSan', rg, { corpId: 'ww-other-corp' }),
    );
    expect(otherCorp.status).toBe(401);
    const badToken = await sendToServer(
      t.url,
      wecomPress(t.clock.now(), 'ZhangSan', rg, { token: 'not-the-token' }),
    );
    expect(badToken.status).toBe(401);
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body.state).not.toBe('approved');

    const ok = await sendToServer(t.url, wecomPress(t.clock.now(), 'ZhangSan', rg));
    expect(ok.status).toBe(200);
    // The answer is WeCom's sealed passive reply, replacing the button with what happened.
    const reply = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(ok.text)![1];
    expect(sealedDecrypt(WECOM_APP.WECOM_CALLBACK_AES_KEY, WECOM_APP.WECOM_CORP_ID, reply)).toContain(
      '<ReplaceName><![CDATA[已提交：批准]]></ReplaceName>',
    );
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body).toMatchObject({ state: 'approved' });
    const [approved] = await events('dsl.version_approve');
    expect(approved).toMatchObject({ actor_name: 'boss', outcome: 'success' });
    expect(details(approved).channel).toMatchObject({ vendor: 'wecom', vendorUserId: 'ZhangSan' });

    // Saving the URL in WeCom's console: echostr, sealed, answered opened.
    const echo = sealedEncrypt(WECOM_APP.WECOM_CALLBACK_AES_KEY, WECOM_APP.WECOM_CORP_ID, 'echo-12345');
    const q = sealedQuery(WECOM_APP.WECOM_CALLBACK_TOKEN, echo, seconds());
    q.set('echostr', echo);
    const check = await fetch(`${t.url}/api/chat/wecom/callback?${q.toString()}`);
    expect([check.status, await check.text()]).toEqual([200, 'echo-12345']);
  });

  it('X-2 DS-2 RO-5 a DingTalk card press rejects a version with its reason; the registrant pressing approve on their own version is refused by four eyes', async () => {
    await bind('boss', { dingtalk_user_id: 'manager01' });
    await bind('eng1', { dingtalk_user_id: 'engineer01' });
    const versionId = await pendingVersion();
    const press = (userId: string, rg: string, reason?: string) =>
      sendToServer(t.url, dingtalkPress(t.clock.now(), userId, rg, reason));
    const open = (res: { json: { encrypt: string } }) =>
      JSON.parse(
        sealedDecrypt(
          DINGTALK_APP.DINGTALK_CALLBACK_AES_KEY,
          DINGTALK_APP.DINGTALK_CALLBACK_OWNER_KEY,
          res.json.encrypt,
        ),
      );

    const own = await press('engineer01', value({ op: 'dsl', versionId }, 'approve'));
    expect(own.status).toBe(200);
    expect(open(own).ok).toBe(false);
    const denied = (await events('dsl.version_approve')).filter((e) => e.outcome === 'denied');
    expect(denied).toHaveLength(1);
    expect(details(denied[0]).channel).toMatchObject({ vendor: 'dingtalk', vendorUserId: 'engineer01' });

    const rejected = await press('manager01', value({ op: 'dsl', versionId }, 'reject'), '缺少安全扫描报告');
    expect(open(rejected)).toEqual({ ok: true, text: '已提交：驳回' });
    expect((await c.boss.get(`/api/dsl/versions/${versionId}`)).body).toMatchObject({ state: 'rejected' });
    const [event] = (await events('dsl.version_reject')).filter((e) => e.outcome === 'success');
    expect(event.actor_name).toBe('boss');
    expect(details(event).channel).toMatchObject({ vendor: 'dingtalk', vendorUserId: 'manager01' });
  });
});
