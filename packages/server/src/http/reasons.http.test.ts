import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RULE_CODES, REASON_CODES } from '@releasegate/messages';
import { DIALECTS } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, signInRoles } from '../test/releases';

/**
 * Issue #14: a refusal, a blocker and a gate check carry stable codes, the requirement on its
 * own and parameters; the English words are only a rendering of those, and a caller asking in
 * Chinese (Accept-Language) gets the refusal in Chinese from the same catalog.
 */
describe.each(DIALECTS)('X-3 reasons as codes on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  async function requested() {
    const app = await ci(c.cfg, 'application', 'ledger');
    const change = await approvedChange(c, '账务升级', [app.id]);
    const r = await c.eng1.post('/api/releases', {
      title: '账务系统 2.1 发布',
      changeIds: [change.id],
      urgency: 'normal',
      rollbackDifficulty: 'easy',
      newTechnology: false,
      targetCiIds: [app.id],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; number: string };
  }

  it('X-3 TY-2 every blocker of every action names its rule and reason as catalog codes with parameters', async () => {
    const r = await requested();
    const view = await c.eng1.get(`/api/releases/${r.id}`);
    const blockers = view.body.actions.flatMap((a: { blockers: unknown[] }) => a.blockers);
    expect(blockers.length).toBeGreaterThan(10);
    for (const b of blockers) {
      expect(RULE_CODES).toContain(b.code);
      expect(REASON_CODES).toContain(b.reasonCode);
      expect(typeof b.params).toBe('object');
    }
    // The requester may not accept their own request (RO-4): the blocker says so in codes.
    const accept = view.body.actions.find((a: { action: string }) => a.action === 'accept');
    expect(accept.blockers).toEqual([
      expect.objectContaining({
        code: 'intake_four_eyes',
        requirement: 'RO-4',
        reasonCode: 'requester_cannot_accept',
        params: {},
      }),
    ]);
    const close = view.body.actions.find((a: { action: string }) => a.action === 'close_successful');
    expect(close.blockers[0]).toMatchObject({
      code: 'release_lifecycle',
      requirement: null,
      reasonCode: 'state_required',
      params: { states: ['post_release'], current: 'requested' },
    });
  });

  it('X-3 a refusal names its rule as a code, in English by default and in Chinese under Accept-Language', async () => {
    const r = await requested();
    const english = await c.eng1.post(`/api/releases/${r.id}/accept`, { note: '受理' });
    expect(english.status).toBe(422);
    expect(english.body.error.details).toMatchObject({
      rule: 'RO-4 four eyes at intake',
      ruleCode: 'intake_four_eyes',
      requirement: 'RO-4',
      blockers: [expect.objectContaining({ reasonCode: 'requester_cannot_accept' })],
    });
    expect(english.body.error.message).toContain('the requester of a release cannot accept it');
    const chinese = await c.eng1.request(
      'POST',
      `/api/releases/${r.id}/accept`,
      { note: '受理' },
      { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' },
    );
    expect(chinese.status).toBe(422);
    expect(chinese.body.error.message).toBe(
      'RO-4 受理四眼原则：发布的申请人不能受理自己提交的申请，请由其他有受理权限的人受理',
    );
    expect(chinese.body.error.details).toEqual(english.body.error.details);
    // A refusal the handler frames (no body where one is needed) is coded the same way.
    const framing = await c.eng1.request('POST', `/api/releases/${r.id}/accept`, 'not json', {
      'content-type': 'text/plain',
    });
    expect(framing.status).toBe(415);
    expect(framing.body.error.details).toMatchObject({ ruleCode: 'content_type', requirement: null });
  });
});
