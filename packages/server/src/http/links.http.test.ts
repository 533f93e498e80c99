import { en } from '@releasegate/messages';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { signInRoles } from '../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../test/implementation';
import { HTTP_URL_MESSAGE } from './http-url';

/** Links that would run script, or open something other than a web page, in a reader's browser. */
const HOSTILE = [
  'javascript:alert(document.cookie)',
  'JavaScript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'file:///etc/passwd',
];

describe.each(DIALECTS)('links people store are http(s) only on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const expectRefused = (r: { status: number; body: any }, field: string) => {
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.details.fields[field]).toEqual([en.fields.http_url]);
    expect(r.body.error.details.fieldProblems[field]).toEqual([{ code: HTTP_URL_MESSAGE, params: {} }]);
  };

  it('X-4 IM-1 PO-1: an evidence link that is not http(s) is refused 400 naming the field; nothing is recorded', async () => {
    const r = await readyRelease(t, c, { checks: false });
    for (const link of HOSTILE) {
      expectRefused(
        await c.impl.post(`/api/releases/${r.id}/checks/environment_check`, { result: 'passed', link }),
        'link',
      );
    }
    const checklist = await c.impl.get(`/api/releases/${r.id}/checks`);
    expect(checklist.body.history).toEqual([]);
    const fine = await c.impl.post(`/api/releases/${r.id}/checks/environment_check`, {
      result: 'passed',
      link: 'https://wiki.example.com/env-check/42',
    });
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);

    // PO-1 verification evidence, on a release whose implementation is done.
    for (const key of ['backup_verification', 'rollback_test', 'emergency_plan'])
      await c.impl.post(`/api/releases/${r.id}/checks/${key}`, { result: 'passed', note: 'ok' });
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    await runStep(c.impl, r.id, 'implementation', 0);
    await runStep(c.impl, r.id, 'implementation', 1);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/complete`)).body.state).toBe(
      'post_release',
    );
    for (const link of HOSTILE)
      expectRefused(
        await c.eng1.post(`/api/releases/${r.id}/verifications/functional`, { result: 'passed', link }),
        'link',
      );
    const verified = await c.eng1.post(`/api/releases/${r.id}/verifications/functional`, {
      result: 'passed',
      link: 'http://grafana.intra/d/billing',
    });
    expect(verified.status, JSON.stringify(verified.body)).toBe(200);
  });

  it('X-4 DS-1 IN-2: a DSL external reference and an external change link must be http(s)', async () => {
    const digest = 'a'.repeat(64);
    for (const url of HOSTILE)
      expectRefused(
        await c.eng1.post('/api/dsl/versions', {
          name: 'nginx',
          version: '1.26.2',
          external: { url, digest },
        }),
        'external.url',
      );
    expect((await c.eng1.get('/api/dsl/versions')).body.items).toHaveLength(0);

    // An external change system's token (change.integrate), as a security administrator issues it.
    await t.seedUser('sec', ['security_administrator']);
    const sec = new HttpClient(t.url);
    await sec.login('sec');
    const bot = await sec.post('/api/users', {
      username: 'itsm',
      displayName: 'ITSM 变更系统',
      roles: ['system_administrator'],
      serviceAccount: true,
    });
    expect(bot.status, JSON.stringify(bot.body)).toBe(201);
    const token = await sec.post('/api/tokens', {
      name: 'itsm',
      scopes: ['change.integrate'],
      expiresInDays: 90,
      userId: bot.body.id,
    });
    expect(token.status, JSON.stringify(token.body)).toBe(201);
    const itsm = new HttpClient(t.url);
    itsm.bearer = token.body.token;
    const change = (url: string) => ({ title: '核心系统升级', status: 'pending', url });
    for (const url of HOSTILE)
      expectRefused(await itsm.request('PUT', '/api/changes/external/itsm/CR-9', change(url)), 'url');
    expect((await c.eng1.get('/api/changes?source=external')).body.items).toHaveLength(0);
    const fine = await itsm.request(
      'PUT',
      '/api/changes/external/itsm/CR-9',
      change('https://itsm.example.com/CR-9'),
    );
    expect(fine.status, JSON.stringify(fine.body)).toBeLessThan(300);
  });
});
