import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { auditEvents, startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, triggerAwaitingDecision } from '../../test/implementation';
import { sealAction, type CardChoice, type CardTarget } from './chat.actions';
import { feishuEncrypt, feishuSignature, sealedDecrypt, sealedEncrypt } from './chat.crypto';
import {
  DINGTALK_APP,
  FEISHU_APP,
  WECOM_APP,
  dingtalkPress,
  feishuPress,
  sealedQuery,
  sendToServer,
  wecomPress,
  type VendorRequest,
} from '../../test/chat-vendors';

/**
 * X-2 X-4: the card callbacks attacked as an outsider (no keys), a malicious insider (an account
 * of their own, the self-service contact page) and a misbehaving sender (retries, floods).
 */
describe.each(DIALECTS)('X-2 X-4 chat card callbacks under attack on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, {
      ...SESSIONS_FOR_A_DAY,
      ...FEISHU_APP,
      ...WECOM_APP,
      ...DINGTALK_APP,
      RATE_LIMIT_CHAT_CALLBACK: '40',
    });
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** Writes account columns; chat ids as the security administrator binds them (confirmed). */
  const bind = async (username: string, contact: Record<string, string | number>) => {
    const confirmed = {
      chat_ids_confirmed_by: 'secadmin',
      chat_ids_confirmed_at: t.clock.now().toISOString(),
    };
    await t.database.db.kysely
      .updateTable('users')
      .set({ ...contact, ...confirmed })
      .where('username', '=', username)
      .execute();
  };
  const value = (target: CardTarget, choice: CardChoice) =>
    sealAction(t.app.secrets, target, choice, t.clock.now());
  const send = (r: VendorRequest) => sendToServer(t.url, r);
  const details = (row: { details_json: string | null }) => JSON.parse(row.details_json ?? 'null');
  const denials = async () =>
    (await auditEvents(t, 'chat.card_action')).map((e) => details(e).reason as string);
  const decisions = async () =>
    (await auditEvents(t, 'release.decide_rollback')).filter((e) => e.outcome === 'success');

  const awaitingDecision = async (): Promise<CardTarget> => ({
    op: 'rollback',
    ...(await triggerAwaitingDecision(t, c)),
  });
  const decisionOf = async (target: CardTarget) =>
    target.op === 'rollback'
      ? (await c.boss.get(`/api/releases/${target.releaseId}/rollback`)).body.triggers[0].decision
      : null;

  /** The same Feishu event, signed again with a new timestamp and nonce (a retry, or a replayer with the key). */
  const resigned = (r: VendorRequest, at: Date): VendorRequest => {
    const timestamp = String(Math.floor(at.getTime() / 1000));
    const nonce = randomBytes(8).toString('hex');
    return {
      ...r,
      headers: {
        ...r.headers,
        'x-lark-request-timestamp': timestamp,
        'x-lark-request-nonce': nonce,
        'x-lark-signature': feishuSignature(timestamp, nonce, FEISHU_APP.FEISHU_CARD_ENCRYPT_KEY, r.body),
      },
    };
  };

  it('X-2 X-4 the same Feishu event signed again later (new timestamp and nonce, past ten minutes) is refused as a replay', async () => {
    await bind('boss', { feishu_user_id: 'ou_boss' });
    const target = await awaitingDecision();
    const first = feishuPress(t.clock.now(), 'ou_boss', value(target, 'rollback'), { eventId: 'ev-retry' });
    expect((await send(first)).json.toast.type).toBe('success');
    t.clock.advance(11 * 60_000);
    const again = await send(resigned(first, t.clock.now()));
    expect(again.json.toast.content).toBe('此飞书回调已收到过，不再重复执行');
    expect((await denials()).at(-1)).toBe('replayed');
    expect(await decisions()).toHaveLength(1);
  });

  it('X-2 X-4 the same WeCom or DingTalk event sealed and signed again (a retry: new nonce, new signature) is refused as a replay', async () => {
    await bind('boss', { wecom_user_id: 'ZhangSan', dingtalk_user_id: 'manager01' });
    const target = await awaitingDecision();
    const rg = value(target, 'rollback');
    expect((await send(wecomPress(t.clock.now(), 'ZhangSan', rg))).status).toBe(200);
    expect(await decisionOf(target)).toBe('rollback');
    const retry = await send(wecomPress(t.clock.now(), 'ZhangSan', rg));
    expect(retry.status).toBe(200);
    expect((await denials()).at(-1)).toBe('replayed');

    const other = await awaitingDecision();
    const rg2 = value(other, 'rollback');
    expect((await send(dingtalkPress(t.clock.now(), 'manager01', rg2))).status).toBe(200);
    await send(dingtalkPress(t.clock.now(), 'manager01', rg2));
    expect((await denials()).at(-1)).toBe('replayed');
    expect(await decisions()).toHaveLength(2);
    // Only the replay refusals: the route was not asked again.
    expect((await auditEvents(t, 'release.decide_rollback')).filter((e) => e.outcome !== 'success')).toEqual(
      [],
    );
  });

  it('X-2 X-4 twenty parallel deliveries of one event decide once; twenty parallel presses (distinct events) of one button decide once', async () => {
    await bind('boss', { feishu_user_id: 'ou_boss' });
    const target = await awaitingDecision();
    const one = feishuPress(t.clock.now(), 'ou_boss', value(target, 'rollback'), { eventId: 'ev-race' });
    const same = await Promise.all(Array.from({ length: 20 }, () => send(one)));
    expect(same.filter((r) => r.json?.toast?.type === 'success')).toHaveLength(1);
    expect(await decisions()).toHaveLength(1);
    expect((await denials()).filter((r) => r === 'replayed')).toHaveLength(19);

    const other = await awaitingDecision();
    const rg = value(other, 'rollback');
    const many = await Promise.all(
      Array.from({ length: 20 }, () => send(feishuPress(t.clock.now(), 'ou_boss', rg))),
    );
    expect(many.filter((r) => r.json?.toast?.type === 'success')).toHaveLength(1);
    expect(await decisions()).toHaveLength(2);
  });

  it('X-2 X-4 the insider binding the manager’s chat id to their own account makes the press ambiguous: refused, nothing decided', async () => {
    await bind('boss', { feishu_user_id: 'ou_boss' });
    expect((await c.eng1.request('PUT', '/api/account/contact', { feishuUserId: 'ou_boss' })).status).toBe(
      200,
    );
    const target = await awaitingDecision();
    const res = await send(feishuPress(t.clock.now(), 'ou_boss', value(target, 'rollback')));
    expect(res.json.toast.type).toBe('error');
    expect(await decisionOf(target)).toBeNull();
    expect((await denials()).at(-1)).toBe('ambiguous');
  });

  it('X-2 X-4 a disabled account, or one whose password must change, decides nothing from a card; the refusal is audited with the channel', async () => {
    const target = await awaitingDecision();
    await bind('boss', { feishu_user_id: 'ou_boss', disabled: 1 });
    const disabled = await send(feishuPress(t.clock.now(), 'ou_boss', value(target, 'rollback')));
    expect(disabled.json.toast.type).toBe('error');
    await bind('boss', { disabled: 0, must_change_password: 1 });
    const expired = await send(feishuPress(t.clock.now(), 'ou_boss', value(target, 'rollback')));
    expect(expired.json.toast.type).toBe('error');
    await bind('boss', { must_change_password: 0 });
    expect(await decisionOf(target)).toBeNull();
    const refusedEvents = (await auditEvents(t, 'release.decide_rollback')).filter(
      (e) => e.outcome !== 'success',
    );
    expect(refusedEvents.length).toBeGreaterThanOrEqual(1);
  });

  it('X-2 X-4 url_verification without the token or with a wrong one is refused; entities and deep XML in the WeCom body open nothing', async () => {
    for (const token of [undefined, 'wrong']) {
      const body = JSON.stringify({ type: 'url_verification', challenge: 'c-1', ...(token && { token }) });
      const res = await send({
        path: '/api/chat/feishu/card',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(401);
      expect(res.text).not.toContain('c-1');
    }
    const sealed = JSON.stringify({
      encrypt: feishuEncrypt(
        FEISHU_APP.FEISHU_CARD_ENCRYPT_KEY,
        JSON.stringify({ type: 'url_verification', challenge: 'c-2' }),
      ),
    });
    expect(
      (
        await send({
          path: '/api/chat/feishu/card',
          body: sealed,
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(401);

    const q = sealedQuery(
      WECOM_APP.WECOM_CALLBACK_TOKEN,
      'x',
      String(Math.floor(t.clock.now().getTime() / 1000)),
    );
    for (const body of [
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Encrypt>&b;&xxe;</Encrypt></xml>',
      `<xml>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</xml>`,
      '<xml><Encrypt>\u0000</Encrypt></xml>',
    ]) {
      const res = await send({
        path: `/api/chat/wecom/callback?${q.toString()}`,
        body,
        headers: { 'content-type': 'text/xml' },
      });
      expect(res.status).toBe(401);
      expect(res.text).not.toMatch(/root:|stack|Error:/);
    }
  });

  it('X-2 X-4 a callback body far larger than any card callback is refused before it is read', async () => {
    const body = JSON.stringify({ encrypt: 'A'.repeat(200 * 1024) });
    const res = await send({
      path: '/api/chat/feishu/card',
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(await denials()).toEqual([]);
  });

  it('X-2 X-4 the WeCom URL check is rate-limited like the callbacks: an outsider cannot flood the audit trail', async () => {
    const q = sealedQuery('not-the-token', 'abc', String(Math.floor(t.clock.now().getTime() / 1000)));
    q.set('echostr', 'abc');
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++)
      statuses.push((await fetch(`${t.url}/api/chat/wecom/callback?${q.toString()}`)).status);
    expect(statuses.slice(0, 40).every((s) => s === 401)).toBe(true);
    expect(statuses[40]).toBe(429);
    expect(await denials()).toHaveLength(40);
  });

  it('X-2 X-4 a DingTalk answer tells only the outcome: no stack, no SQL, no other account', async () => {
    await bind('boss', { dingtalk_user_id: 'manager01' });
    const res = await send(dingtalkPress(t.clock.now(), 'manager01', 'rgv1.not-sealed'));
    const opened = JSON.parse(
      sealedDecrypt(
        DINGTALK_APP.DINGTALK_CALLBACK_AES_KEY,
        DINGTALK_APP.DINGTALK_CALLBACK_OWNER_KEY,
        res.json.encrypt,
      ),
    );
    expect(opened).toEqual({ ok: false, text: '卡片按钮中没有本系统的操作' });
    void sealedEncrypt;
  });
});
