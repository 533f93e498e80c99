import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { approvedChange, ci, completePlan, signInRoles } from '../test/releases';
import { startTestApp, type TestApp } from '../test/test-app';
import { unknownFieldPaths } from './strict-input';

describe('unknown fields', () => {
  it('X-4 the paths of fields the schema dropped are found in objects and arrays; kept and transformed ones are not', () => {
    expect(
      unknownFieldPaths(
        { title: 'x', post_deployment: 'y', steps: [{ title: 'a', ownr: 'b' }], attrs: { any: 1 } },
        { title: 'x', steps: [{ title: 'a' }], attrs: { any: 1 }, added: true },
      ),
    ).toEqual([['post_deployment'], ['steps', '0', 'ownr']]);
    // A field sent as undefined is not a field (JSON never has it).
    expect(unknownFieldPaths({ a: undefined }, {})).toEqual([]);
  });
});

describe.each(DIALECTS)('a body field the route does not know (one contract) on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-4 PL-1 a misspelt field is refused with 400 naming it, and nothing is stored: post_deployment does not silently lose a plan section', async () => {
    const typo = await c.eng1.post('/api/changes', { title: '扩容', risk: 'low', emergancy: true });
    expect(typo.status).toBe(400);
    expect(typo.body.error.details.fields).toEqual({ emergancy: ['unknown field'] });
    expect((await c.eng1.get('/api/changes')).body.items).toEqual([]);

    const app = await ci(c.cfg, 'application', 'billing');
    const change = await approvedChange(c, '计费升级', [app.id]);
    const release = await c.eng1.post('/api/releases', {
      title: '计费 2.1',
      changeIds: [change.id],
      items: [{ kind: 'service', title: '计费服务', ciIds: [app.id] }],
    });
    expect(release.status, JSON.stringify(release.body)).toBe(201);
    await c.eng2.post(`/api/releases/${release.body.id}/accept`, {});
    const { postDeployment, ...rest } = completePlan([app.id]);
    const plan = await c.eng1.request('PUT', `/api/releases/${release.body.id}/plan`, {
      ...rest,
      post_deployment: postDeployment,
      steps: rest.steps!.map((s, i) => (i === 0 ? { ...s, ownr: s.owner } : s)),
    });
    expect(plan.status).toBe(400);
    expect(plan.body.error.details.fields).toEqual({
      post_deployment: ['unknown field'],
      'steps.0.ownr': ['unknown field'],
    });
    expect((await c.eng1.get(`/api/releases/${release.body.id}/plans`)).body.plans).toEqual([]);
    // The same plan with its fields spelt right is taken.
    const ok = await c.eng1.request('PUT', `/api/releases/${release.body.id}/plan`, {
      ...rest,
      postDeployment,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe('unknownFieldPaths on hostile shapes', () => {
  it('X-4 ten thousand nested arrays under a free-form value end the walk instead of the stack (was a 500)', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(() => unknownFieldPaths({ attributes: deep }, { attributes: deep })).not.toThrow();
  });

  it('X-4 a field named like a property every object inherits is still a field the schema does not know', () => {
    const input = JSON.parse('{"title":"x","constructor":{"a":1},"__proto__":{"b":2}}') as unknown;
    expect(unknownFieldPaths(input, { title: 'x' })).toEqual([['constructor'], ['__proto__']]);
  });
});
