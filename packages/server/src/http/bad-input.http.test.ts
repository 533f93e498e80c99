import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, signInRoles } from '../test/releases';
import { jsonBodyOf, rawConnection, statusOf } from '../test/raw-http';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signDelivery } from '../modules/changes/external.service';

// The rule and field messages are the contract (the web shows them in Chinese): spelled out here.
const VALID_TEXT_RULE = 'X-4 valid text';
const NUL = 'must not contain the NUL character (U+0000)';
const SURROGATE = 'must be valid Unicode (a lone surrogate is not)';
const NOT_UTF8 = 'must be valid UTF-8';
const NOT_ENCODED = 'must be percent-encoded UTF-8';
const WEBHOOK_SECRET = 'itsm-webhook-secret-0123456789';

/** A request with exactly these body bytes and content type, as a signed-in client's. */
async function sendBytes(
  t: TestApp,
  client: HttpClient,
  method: string,
  path: string,
  body: Buffer | string | undefined,
  headers: Record<string, string>,
) {
  const response = await fetch(t.url + path, {
    method,
    headers: {
      cookie: client.cookieHeader(),
      'x-csrf-token': client.cookie('rg_csrf') ?? '',
      ...headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

describe.each(DIALECTS)('bad input refused at the edge on %s', (dialect) => {
  let t: TestApp;
  let c: Record<string, HttpClient>;
  let releaseId: string;

  beforeAll(async () => {
    // A 1 MiB upload limit, so a 3 MB upload is refused.
    t = await startTestApp(dialect, {
      CHANGE_WEBHOOK_SECRETS: `itsm=${WEBHOOK_SECRET}`,
      DSL_MAX_UPLOAD_MB: '1',
    });
    c = await signInRoles(t);
    const core = await ci(c.cfg, 'database', '核心数据库');
    const change = await approvedChange(c, '核心数据库升级', [core.id]);
    const created = await c.eng1.post('/api/releases', {
      title: '核心数据库升级',
      changeIds: [change.id],
      items: [{ kind: 'service', title: '数据库参数调整', ciIds: [core.id] }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    releaseId = created.body.id;
  });
  afterAll(() => t?.close());

  const expectRefused = (r: { status: number; body: any }, field: string, message: string) => {
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error.code).toBe('invalid_input');
    expect(r.body.error.details.rule).toBe(VALID_TEXT_RULE);
    expect(r.body.error.details.fields).toEqual({ [field]: [message] });
    expect(r.body.error.message).toContain(field);
  };

  it('X-4 PR-3 a NUL character or a lone surrogate in a body field, a record key, a query or path parameter or X-Filename is refused 400 naming the field, and nothing is stored', async () => {
    const changesBefore = (await c.eng1.get('/api/changes')).body.items.length;
    const auditBefore = await t.database.db.kysely
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();

    // The anonymous sign-in (a 500 on PostgreSQL before).
    expectRefused(
      await new HttpClient(t.url).post('/api/auth/login', { username: 'eng1\u0000', password: 'x' }),
      'username',
      NUL,
    );
    expectRefused(
      await c.eng1.post('/api/changes', { title: '升级\u0000', description: 'x', risk: 'low', ciIds: [] }),
      'title',
      NUL,
    );
    // A lone surrogate as the JSON escape a client sends: the drivers would store U+FFFD instead.
    expectRefused(
      await sendBytes(
        t,
        c.eng1,
        'POST',
        '/api/changes',
        '{"title":"升级","description":"x\\ud800","risk":"low","ciIds":[]}',
        { 'content-type': 'application/json' },
      ),
      'description',
      SURROGATE,
    );
    expectRefused(
      await c.eng1.post('/api/changes', { title: 'x', description: 'x', risk: 'low', ciIds: ['\udc00'] }),
      'ciIds.0',
      SURROGATE,
    );
    // A key of a free-form record (CI attributes), which no string schema sees.
    expectRefused(
      await c.cfg.post('/api/cmdb/cis', {
        type: 'database',
        name: '备库',
        environment: 'production',
        attributes: { 'port\u0000': 5432 },
      }),
      'attributes.port\\u0000',
      NUL,
    );
    expectRefused(await c.eng1.get('/api/changes?q=%E5%8D%87%00'), 'q', NUL);
    expectRefused(await c.eng1.get(`/api/changes/${'a'.repeat(8)}%00`), 'id', NUL);
    expectRefused(await c.eng1.get(`/api/releases/${releaseId}%00/checks`), 'id', NUL);
    expectRefused(
      await c.impl.upload('PUT', `/api/releases/${releaseId}/evidence`, 'evidence', 'a\u0000.txt'),
      'x-filename',
      NUL,
    );

    // The change feed is parsed only once its signature verifies; its fields meet the same rule.
    const feed = '{"key":"CR-9","title":"证书\\u0000更新","status":"approved"}';
    const at = Math.floor(t.clock.now().getTime() / 1000);
    const delivered = await fetch(`${t.url}/api/webhooks/changes/itsm`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [SIGNATURE_HEADER]: signDelivery(WEBHOOK_SECRET, at, 'd-nul', feed),
        [DELIVERY_HEADER]: 'd-nul',
      },
      body: feed,
    });
    expectRefused({ status: delivered.status, body: await delivered.json() }, 'title', NUL);
    expectRefused(await new HttpClient(t.url).post('/api/webhooks/changes/it%00sm', {}), 'system', NUL);

    expect((await c.eng1.get('/api/changes')).body.items.length).toBe(changesBefore);
    const auditAfter = await t.database.db.kysely
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(auditAfter.n)).toBe(Number(auditBefore.n));
  });

  it('X-4 PR-3 bytes that are not UTF-8 — in a JSON body, a query, a path or X-Filename — are refused 400 naming the field, never stored as U+FFFD', async () => {
    const body = Buffer.concat([
      Buffer.from('{"title":"升级'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('","description":"x","risk":"low","ciIds":[]}'),
    ]);
    expectRefused(
      await sendBytes(t, c.eng1, 'POST', '/api/changes', body, { 'content-type': 'application/json' }),
      'title',
      NOT_UTF8,
    );
    // Not JSON either: the body as a whole is named.
    expectRefused(
      await sendBytes(t, c.eng1, 'POST', '/api/changes', Buffer.from([0x7b, 0xc3, 0x28]), {
        'content-type': 'application/json',
      }),
      '_',
      NOT_UTF8,
    );
    expectRefused(await c.eng1.get('/api/changes?q=%FF'), 'q', NOT_ENCODED);
    // A surrogate encoded as if it were a character (CESU-8) is not UTF-8 either.
    expectRefused(await c.eng1.get('/api/changes?q=%ED%A0%80'), 'q', NOT_ENCODED);
    expectRefused(await c.eng1.get('/api/changes/%FF'), 'path', NOT_ENCODED);
    expectRefused(
      await sendBytes(t, c.impl, 'PUT', `/api/releases/${releaseId}/evidence`, 'evidence', {
        'content-type': 'application/octet-stream',
        'x-filename': '%FF.txt',
      }),
      'x-filename',
      NOT_ENCODED,
    );
    const search = await c.eng1.get('/api/changes?q=%EF%BF%BD');
    expect(search.status).toBe(200);
  });

  it('X-4 a JSON body sent to an upload is 415 naming application/octet-stream, a file sent to a JSON route is 415 naming application/json, an upload without a body is 400, a body over 1 MB is 413 naming the limit', async () => {
    const json = await c.impl.request('PUT', `/api/releases/${releaseId}/evidence`, { file: 'x' });
    expect(json.status, JSON.stringify(json.body)).toBe(415);
    expect(json.body.error).toMatchObject({
      code: 'unsupported_media_type',
      details: { rule: 'content type', expected: 'application/octet-stream', received: 'application/json' },
    });
    for (const path of ['/api/cmdb/import?format=csv', '/api/dsl/versions/x/content']) {
      const client = path.startsWith('/api/cmdb') ? c.cfg : c.eng1;
      const r = await client.request(path.startsWith('/api/cmdb') ? 'POST' : 'PUT', path, { rows: [] });
      expect(r.status, `${path} ${JSON.stringify(r.body)}`).toBe(415);
      expect(r.body.error.details.expected).toBe('application/octet-stream');
    }
    const empty = await c.impl.request('PUT', `/api/releases/${releaseId}/evidence`);
    expect(empty.status, JSON.stringify(empty.body)).toBe(400);
    expect(empty.body.error.details).toMatchObject({
      rule: 'content type',
      expected: 'application/octet-stream',
    });

    const stream = await c.eng1.upload('POST', '/api/changes', Buffer.from('{"title":"x"}'));
    expect(stream.status, JSON.stringify(stream.body)).toBe(415);
    expect(stream.body.error.details).toMatchObject({
      rule: 'content type',
      expected: 'application/json',
      received: 'application/octet-stream',
    });
    // A JSON body over the 1 MB limit says so, with the limit.
    const huge = await c.eng1.post('/api/changes', { title: 'x', description: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    expect(huge.body.error).toMatchObject({
      code: 'too_large',
      details: { rule: 'request body size limit', maxBytes: 1024 * 1024 },
    });
    const text = await sendBytes(t, c.eng1, 'POST', `/api/releases/${releaseId}/accept`, '{}', {
      'content-type': 'text/plain',
    });
    expect(text.status).toBe(415);
    expect(text.body.error.details.expected).toBe('application/json');
  });

  it('X-4 a refused 3 MB upload is answered 413 at once, and its connection then serves the next request', async () => {
    const size = 3 * 1024 * 1024;
    const started = Date.now();
    const conn = await rawConnection(t.url);
    conn.socket.write(
      `PUT /api/releases/${releaseId}/evidence HTTP/1.1\r\nHost: rg\r\nContent-Type: application/octet-stream\r\n` +
        `Cookie: ${c.impl.cookieHeader()}\r\nX-CSRF-Token: ${c.impl.cookie('rg_csrf')}\r\nContent-Length: ${size}\r\n\r\n`,
    );
    conn.socket.write(Buffer.alloc(size, 7));
    const answer = await conn.waitFor(/\r\n\r\n\{.*\}\}\}/s, 3000);
    expect(statusOf(answer)).toBe(413);
    expect(jsonBodyOf(answer).error).toMatchObject({
      code: 'too_large',
      details: { rule: 'upload size limit' },
    });
    expect(Date.now() - started).toBeLessThan(3000);
    // The rest of the body was read and discarded: the kept-alive connection answers again.
    const before = conn.received().length;
    conn.socket.write(
      `GET /api/auth/session HTTP/1.1\r\nHost: rg\r\nCookie: ${c.impl.cookieHeader()}\r\n\r\n`,
    );
    await conn.waitFor(/HTTP\/1\.1 200/, 5000).catch(() => undefined);
    expect(statusOf(conn.received().slice(before))).toBe(200);
    conn.socket.destroy();

    // The same through fetch, and nothing was kept.
    const refused = await c.impl.upload('PUT', `/api/releases/${releaseId}/evidence`, Buffer.alloc(size, 8));
    expect(refused.status).toBe(413);
    expect((await c.impl.get('/api/auth/session')).status).toBe(200);
  });
  it('X-4 a body refused before it is read (415) is drained: the kept-alive connection answers the next request', async () => {
    const conn = await rawConnection(t.url);
    const body = 'x'.repeat(200_000);
    conn.socket.write(
      `POST /api/changes HTTP/1.1\r\nHost: rg\r\nContent-Type: text/plain\r\nCookie: ${c.eng1.cookieHeader()}\r\n` +
        `X-CSRF-Token: ${c.eng1.cookie('rg_csrf')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    const answer = await conn.waitFor(/\r\n\r\n\{.*\}\}\}/s, 3000);
    expect(statusOf(answer)).toBe(415);
    const before = conn.received().length;
    conn.socket.write(
      `GET /api/auth/session HTTP/1.1\r\nHost: rg\r\nCookie: ${c.eng1.cookieHeader()}\r\n\r\n`,
    );
    await conn.waitFor(/HTTP\/1\.1 200/, 3000).catch(() => undefined);
    expect(statusOf(conn.received().slice(before))).toBe(200);
    conn.socket.destroy();
  });
});

describe.each(DIALECTS)('slow clients on %s', (dialect) => {
  let t: TestApp;
  let c: Record<string, HttpClient>;

  beforeAll(async () => {
    t = await startTestApp(dialect, {
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
      HTTP_BODY_TIMEOUT_SECONDS: '1',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
    });
    c = await signInRoles(t);
  });
  afterAll(() => t?.close());

  it('X-4 a JSON body that trickles in is answered 408 naming HTTP_BODY_TIMEOUT_SECONDS and its connection closed', async () => {
    const conn = await rawConnection(t.url);
    conn.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: rg\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"user',
    );
    const trickle = setInterval(() => conn.socket.write(' '), 200);
    try {
      const answer = await conn.waitFor(/\}\}\}/, 4000);
      expect(statusOf(answer)).toBe(408);
      expect(jsonBodyOf(answer).error).toMatchObject({
        code: 'request_timeout',
        details: { rule: 'HTTP_BODY_TIMEOUT_SECONDS', seconds: 1 },
      });
      expect(await conn.closedWithin(3000)).not.toBeNull();
    } finally {
      clearInterval(trickle);
    }
  });

  it('X-4 headers that never end are answered 408 naming HTTP_HEADERS_TIMEOUT_SECONDS and the connection closed', async () => {
    const conn = await rawConnection(t.url);
    conn.socket.write('GET /api/setup/status HTTP/1.1\r\nHost: rg\r\nX-Slow: ');
    const trickle = setInterval(() => conn.socket.write('a'), 200);
    try {
      const closed = await conn.closedWithin(5000);
      expect(closed).not.toBeNull();
      expect(statusOf(conn.received())).toBe(408);
      expect(jsonBodyOf(conn.received()).error).toMatchObject({
        code: 'request_timeout',
        details: { rule: 'HTTP timeouts', headersTimeoutSeconds: 1 },
      });
    } finally {
      clearInterval(trickle);
    }
  });

  it('X-4 an upload that trickles in is answered 408 naming HTTP_REQUEST_TIMEOUT_SECONDS and its connection closed', async () => {
    const conn = await rawConnection(t.url);
    conn.socket.write(
      `POST /api/cmdb/import?format=csv HTTP/1.1\r\nHost: rg\r\nContent-Type: application/octet-stream\r\n` +
        `Cookie: ${c.cfg.cookieHeader()}\r\nX-CSRF-Token: ${c.cfg.cookie('rg_csrf')}\r\nContent-Length: 100000\r\n\r\ntype,name,environment\n`,
    );
    const trickle = setInterval(() => conn.socket.write('database,db,production\n'), 200);
    try {
      const closed = await conn.closedWithin(6000);
      expect(closed).not.toBeNull();
      expect(statusOf(conn.received())).toBe(408);
      expect(jsonBodyOf(conn.received()).error.details).toMatchObject({ requestTimeoutSeconds: 2 });
    } finally {
      clearInterval(trickle);
    }
  });
  it('X-4 a body answered before it arrived (413 on its Content-Length) stops its clock: no late failure, the server goes on', async () => {
    const conn = await rawConnection(t.url);
    conn.socket.write(
      'POST /api/auth/login HTTP/1.1\r\nHost: rg\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{"a":',
    );
    const answer = await conn.waitFor(/\}\}\}/, 3000);
    expect(statusOf(answer)).toBe(413);
    // Past HTTP_BODY_TIMEOUT_SECONDS: the body's clock must have stopped with the answer (it used
    // to fail then with an error nobody listened to, thrown out of the server).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    conn.socket.destroy();
    expect((await new HttpClient(t.url).get('/healthz')).status).toBe(200);
  });
});
