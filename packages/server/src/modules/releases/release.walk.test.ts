import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type HttpClient, type Reply, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';

/**
 * The scenario of the issue: a major release walked from a CAB-approved change to an approved
 * plan by the right roles, and at every step every other role tries first and is refused with
 * the rule it would break.
 */
describe.each(DIALECTS)('the walk of a major release, role by role, on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('IN-1 TY-1 TY-2 RO-1 RO-2 RO-3 RO-4 RO-5 PL-1 every step by the right role; every other role refused naming its rule', async () => {
    const core = await ci(c.cfg, 'database', '核心数据库', { critical: true });
    const change = await approvedChange(c, '核心数据库升级', [core.id]);
    const everyone = Object.entries<HttpClient>(c);
    const refusals: { step: string; who: string; status: number; rule: string }[] = [];

    /** Every client but the allowed ones tries the step and must be refused; then `doer` does it. */
    async function step(
      name: string,
      allowed: string[],
      doer: string,
      call: (who: HttpClient) => Promise<Reply>,
    ) {
      for (const [who, client] of everyone) {
        if (allowed.includes(who)) continue;
        const r = await call(client);
        expect(r.status, `${name} by ${who}: ${JSON.stringify(r.body)}`).toBeGreaterThanOrEqual(400);
        const rule =
          r.body.error.details?.rule ??
          (r.body.error.details?.permission ? `permission ${r.body.error.details.permission}` : undefined);
        expect(rule, `${name} by ${who} names its rule`).toBeTruthy();
        refusals.push({ step: name, who, status: r.status, rule });
      }
      const done = await call(c[doer]);
      expect(done.status, `${name} by ${doer}: ${JSON.stringify(done.body)}`).toBeLessThan(300);
      return done;
    }

    const requested = await step('request', ['boss', 'eng1', 'eng2'], 'eng1', (who) =>
      who.post('/api/releases', {
        title: '核心数据库升级发布',
        changeIds: [change.id],
        targetCiIds: [core.id],
        urgency: 'normal',
        rollbackDifficulty: 'moderate',
        newTechnology: false,
      }),
    );
    const id = requested.body.id as string;
    expect(requested.body.proposal.type).toBe('major');

    // RO-4: the requester (eng1) may not accept their own request (four eyes at intake).
    await step('accept', ['boss', 'eng2'], 'eng2', (who) =>
      who.post(`/api/releases/${id}/accept`, { note: '已受理' }),
    );
    await step('classify', ['boss', 'eng1', 'eng2'], 'eng1', (who) =>
      who.post(`/api/releases/${id}/classify`, { type: 'major' }),
    );
    await step('draft plan', ['boss', 'eng1', 'eng2'], 'eng1', (who) =>
      who.request('PUT', `/api/releases/${id}/plan`, completePlan([core.id])),
    );
    await step('submit plan', ['boss', 'eng1', 'eng2'], 'eng1', (who) =>
      who.post(`/api/releases/${id}/plan/submit`),
    );
    const approved = await step('approve plan', ['boss'], 'boss', (who) =>
      who.post(`/api/releases/${id}/plan/approve`, { comment: '同意' }),
    );
    expect(approved.body).toMatchObject({
      state: 'approved',
      type: 'major',
      plan: { version: 1, status: 'approved' },
    });

    const rulesOf = (s: string) =>
      [...new Set(refusals.filter((r) => r.step === s).map((r) => r.rule))].sort();
    // Roles without the action's permission are refused at the door; the rest by the policy.
    expect(rulesOf('request')).toEqual(['X-4 permission']);
    expect(rulesOf('accept')).toEqual(['RO-4 four eyes at intake', 'X-4 permission']);
    expect(rulesOf('classify')).toEqual(['X-4 permission']);
    expect(rulesOf('draft plan')).toEqual(['X-4 permission']);
    expect(rulesOf('approve plan')).toEqual(['TY-2 approval authority', 'X-4 permission']);
    // The engineers may not approve a major plan; the drafter would be refused by four eyes as well.
    expect(
      refusals
        .filter((r) => r.step === 'approve plan')
        .map((r) => r.who)
        .sort(),
    ).toEqual(['aud', 'biz', 'cab1', 'cab2', 'cfg', 'eng1', 'eng2', 'impl']);

    // Every refusal is on the audit trail, denied, with who tried.
    const denied = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'actor_name'])
      .where('outcome', '=', 'denied')
      .execute();
    expect(denied.length).toBe(refusals.length);
  });
});
