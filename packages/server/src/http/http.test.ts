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

  it('health, readiness and Prometheus metrics', async () => {
    const http = new HttpClient(t.url);
    expect((await http.get('/healthz')).body).toEqual({ status: 'ok' });
    expect((await http.get('/readyz')).body).toEqual({ status: 'ready', database: dialect });
    const metrics = await http.get('/metrics');
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toContain('releasegate_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('releasegate_process_cpu_seconds_total');
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
      error: { code: 'unauthenticated', message: 'Sign in first', details: { reason: 'no_credentials' } },
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
