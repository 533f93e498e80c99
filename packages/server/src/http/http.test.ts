import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';

describe.each(DIALECTS)('HTTP surface on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('health and readiness', async () => {
    const http = new HttpClient(t.url);
    expect((await http.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await http.get('/readyz')).body).toEqual({ status: 'ready', database: dialect });
  });

  it('X-4 /metrics is off without METRICS_TOKEN: 404 that says how to turn it on', async () => {
    const off = await new HttpClient(t.url).get('/metrics');
    expect(off.status).toBe(404);
    expect(off.body.error).toMatchObject({ code: 'not_found', details: { rule: 'metrics token' } });
    expect(off.body.error.message).toContain('set METRICS_TOKEN');
    expect(JSON.stringify(off.body)).not.toContain('releasegate_');
  });

  it('X-4 /metrics answers Prometheus text only to Authorization: Bearer <METRICS_TOKEN>', async () => {
    const token = 'metrics-scrape-token-0123456789';
    const m = await startTestApp(dialect, { METRICS_TOKEN: token });
    try {
      const scrape = (authorization?: string) =>
        new HttpClient(m.url).request('GET', '/metrics', undefined, authorization ? { authorization } : {});
      for (const wrong of [undefined, 'Bearer not-the-token', `Bearer ${token}x`, `Basic ${token}`]) {
        const refused = await scrape(wrong);
        expect(refused.status, String(wrong)).toBe(401);
        expect(refused.body.error.details).toEqual({
          rule: 'metrics token',
          ruleCode: 'metrics_token',
          requirement: null,
          reason: 'bad_metrics_token',
          reasons: [
            { ruleCode: 'metrics_token', requirement: null, reasonCode: 'metrics_token_wrong', params: {} },
          ],
        });
        expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      }
      const metrics = await scrape(`Bearer ${token}`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(metrics.body).toContain('releasegate_http_request_duration_seconds_bucket');
      expect(metrics.body).toContain('releasegate_process_cpu_seconds_total');
    } finally {
      await m.close();
    }
  });

  it('OpenAPI 3.1 document generated from the route schemas, and interactive docs', async () => {
    const http = new HttpClient(t.url);
    const doc = await http.get('/api/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/login',
        '/api/users',
        '/api/users/{id}',
        '/api/tokens',
        '/api/audit/events',
      ]),
    );
    const login = doc.body.paths['/api/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    const docs = await fetch(`${t.url}/api/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('every error has one shape; unknown API paths are JSON 404s; a request id comes back', async () => {
    const http = new HttpClient(t.url);
    const missing = await http.get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({
      error: { code: 'not_found', message: 'No such endpoint: GET /api/nothing-here' },
    });
    expect(missing.headers.get('x-request-id')).toBeTruthy();
    const badJson = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('invalid_input');
    const unauth = await http.get('/api/users');
    expect(unauth.body).toEqual({
      error: {
        code: 'unauthenticated',
        message: 'Sign in first',
        details: { reason: 'no_credentials', reasons: [{ reasonCode: 'sign_in_first', params: {} }] },
      },
    });
  });

  it('a 5xx shows no stack and no internals, only the request id', async () => {
    await t.seedUser('sec', ['security_administrator']);
    const http = new HttpClient(t.url);
    await http.login('sec');
    await t.database.db.destroy(); // the database goes away under the running app
    const r = await http.get('/api/users');
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('internal_error');
    expect(r.body.error.details).toEqual({ requestId: r.headers.get('x-request-id') });
    expect(JSON.stringify(r.body)).not.toMatch(/stack|at |destroyed|kysely|sqlite|pg/i);
    const ready = await http.get('/readyz');
    expect(ready.status).toBe(503);
  });
});
