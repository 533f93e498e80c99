import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  CSRF_HEADER,
  createApi,
  idempotencyKeyFor,
  routeUrl,
  setUnauthenticatedHandler,
} from './client';

describe('the Idempotency-Key the web client sends', () => {
  it('X-4 IN-1 a double click (the same POST while the first is on its way) shares one key; once answered, the same POST is a new intent', () => {
    const first = idempotencyKeyFor('/api/changes', { title: '扩容' });
    expect(first.key).toMatch(/^[0-9a-f]{32}$/);
    const second = idempotencyKeyFor('/api/changes', { title: '扩容' });
    expect(second.key).toBe(first.key);
    expect(idempotencyKeyFor('/api/changes', { title: '另一个' }).key).not.toBe(first.key);
    expect(idempotencyKeyFor('/api/releases', { title: '扩容' }).key).not.toBe(first.key);
    first.done();
    second.done();
    expect(idempotencyKeyFor('/api/changes', { title: '扩容' }).key).not.toBe(first.key);
  });
});

describe('the typed client', () => {
  type Seen = { method: string; url: string; headers: Headers; body: string; credentials: string };
  const seen: Seen[] = [];
  const answer = (status: number, body?: unknown) => async (request: Request) => {
    seen.push({
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: await request.text(),
      credentials: request.credentials,
    });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    });
  };
  const client = (fetch: (request: Request) => Promise<Response>) =>
    createApi({ baseUrl: 'http://localhost', fetch: fetch as typeof globalThis.fetch });

  beforeEach(() => {
    seen.length = 0;
    vi.stubGlobal('document', { cookie: 'other=1; rg_csrf=t%C3%B6ken' });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('fills the path, leaves empty query values out, sends cookies, and answers the JSON', async () => {
    const api = client(answer(200, { users: [] }));
    expect(
      await api.GET('/api/users', { params: { query: { text: '', role: undefined, disabled: 'false' } } }),
    ).toEqual({
      users: [],
    });
    await client(answer(200, {})).GET('/api/releases/{id}', { params: { path: { id: 'a/b' } } });
    expect(seen.map((s) => s.url)).toEqual([
      'http://localhost/api/users?disabled=false',
      'http://localhost/api/releases/a%2Fb',
    ]);
    expect(seen[0].credentials).toBe('same-origin');
    expect(seen[0].headers.get('Accept')).toBe('application/json');
    expect(seen[0].headers.get(CSRF_HEADER)).toBeNull();
    expect(seen[0].headers.get('Idempotency-Key')).toBeNull();
  });

  it("X-4 an early answer (src/early.ts) stands once for the same GET; the first write drops the rest, so a sign-out never hands one person's answers to the next", async () => {
    const earlyAnswer = (body: unknown) =>
      Promise.resolve(
        new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } }),
      );
    const early = new Map([
      ['http://localhost/api/auth/session', earlyAnswer({ user: 'wang' })],
      ['http://localhost/api/me/tasks', earlyAnswer({ tasks: ['wang'] })],
    ]);
    vi.stubGlobal('window', { __releasegateEarly: early });
    // The page has just started (in a long test run the worker's clock is far past 15 s).
    const now = vi.spyOn(performance, 'now').mockReturnValue(1_000);
    const api = client(answer(200, { fresh: true }));
    expect(await api.GET('/api/auth/session')).toEqual({ user: 'wang' });
    expect(await api.GET('/api/auth/session')).toEqual({ fresh: true });
    await api.POST('/api/auth/logout');
    expect(early.size).toBe(0);
    expect(await api.GET('/api/me/tasks')).toEqual({ fresh: true });
    expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET http://localhost/api/auth/session',
      'POST http://localhost/api/auth/logout',
      'GET http://localhost/api/me/tasks',
    ]);
    // Once the page has been open 15 s, an early answer no longer stands for anything.
    early.set('http://localhost/api/me/tasks', earlyAnswer({ tasks: ['stale'] }));
    now.mockReturnValue(15_001);
    expect(await api.GET('/api/me/tasks')).toEqual({ fresh: true });
    now.mockRestore();
  });

  it('X-4 echoes the CSRF token on unsafe methods and gives a POST an Idempotency-Key', async () => {
    const api = client(answer(200, {}));
    await api.POST('/api/releases/{id}/reject', {
      params: { path: { id: 'r1' } },
      body: { reason: '不完整' },
    });
    await api.DELETE('/api/freeze-windows/{id}', { params: { path: { id: 'f1' } } });
    expect(seen[0].headers.get(CSRF_HEADER)).toBe('töken');
    expect(seen[0].headers.get('Content-Type')).toBe('application/json');
    expect(seen[0].headers.get('Idempotency-Key')).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(seen[0].body)).toEqual({ reason: '不完整' });
    expect(seen[1].method).toBe('DELETE');
    expect(seen[1].headers.get(CSRF_HEADER)).toBe('töken');
    expect(seen[1].headers.get('Idempotency-Key')).toBeNull();
  });

  it('turns a refusal into an ApiError with code, reason and details, and 204 into undefined', async () => {
    const refusal = { error: { code: 'forbidden', message: 'No', details: { reason: 'csrf', rule: 'x' } } };
    const error = await client(answer(403, refusal))
      .GET('/api/releases/{id}', { params: { path: { id: 'r1' } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: 'forbidden', message: 'No', reason: 'csrf' });
    expect((error as ApiError).detail('rule')).toBe('x');
    expect(
      await client(answer(204)).DELETE('/api/freeze-windows/{id}', { params: { path: { id: 'f1' } } }),
    ).toBeUndefined();
  });

  it('a network failure is ApiError network_error; an abort stays an AbortError', async () => {
    const down = client(() => Promise.reject(new TypeError('Failed to fetch')));
    await expect(down.GET('/api/users')).rejects.toMatchObject({ code: 'network_error', status: 0 });
    const aborted = client(() => Promise.reject(new DOMException('aborted', 'AbortError')));
    await expect(aborted.GET('/api/users')).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('401 calls the sign-in handler unless the call says "not signed in" is an answer', async () => {
    const handler = vi.fn();
    setUnauthenticatedHandler(handler);
    const signedOut = { error: { code: 'unauthenticated', message: 'Sign in' } };
    await expect(client(answer(401, signedOut)).GET('/api/users')).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
    await expect(
      client(answer(401, signedOut)).GET('/api/auth/session', { redirectOn401: false }),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it('routeUrl fills path and query for links', () => {
    expect(routeUrl('/api/cmdb/export', { query: { format: 'csv', kind: undefined } })).toBe(
      '/api/cmdb/export?format=csv',
    );
  });
});
