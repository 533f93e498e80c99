import http from 'node:http';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, permissionsOf, type Role } from '@releasegate/domain';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../test/test-app';
import { approvedChange, ci, completePlan } from '../test/releases';
import { ROUTE_ACCESS, routeKey } from './route-access';
import { pathParameterExamples } from '../test/route-values';

/**
 * X-4 PR-3: every route of the OpenAPI document, fed generated bad input by a caller who holds
 * what the route needs, must answer 2xx or 4xx in the one error shape — never a 5xx, never hang.
 * The generated requests start from the route's own schema (so many get past validation and
 * reach the services) and put junk anywhere: NUL, lone surrogates, huge strings, wrong types,
 * nested junk, keys such as __proto__, wrong or missing content types, bytes that are not UTF-8,
 * %00, %FF and .. in path parameters, junk query parameters and X-Filename headers.
 *
 * Bounded: FUZZ_RUNS generated requests per route (default 50) plus fixed examples, on each
 * dialect. A failure prints the seed; FUZZ_SEED=<seed> replays the same requests.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** FUZZ_ONLY=<regular expression> fuzzes only the routes it matches ("POST /api/changes"). */
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : null;
const VERBOSE = process.env.FUZZ_VERBOSE === '1';

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  format?: string;
};

interface Operation {
  method: string;
  /** The OpenAPI path, `/api/releases/{id}`. */
  path: string;
  pathParams: string[];
  query: { name: string; schema: Schema; required: boolean }[];
  body: Schema | null;
}

/** One generated request, as sent (and printed when it fails). */
interface FuzzRequest {
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  describe: string;
}

// ---------------------------------------------------------------------------------------------
// Junk

const NUL_TEXT = fc.constantFrom('\u0000', 'abc\u0000', '\u0000\u0000\u0000', '发布\u0000计划');
const SURROGATE_TEXT = fc.constantFrom('\ud800', 'x\udfff', '\udc00\ud800', '发布\ud83d');
const HUGE_TEXT = fc.constantFrom('x'.repeat(70_000), '发'.repeat(120_000), '\u0000'.repeat(5_000));
const ODD_TEXT = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '..',
    '../..',
    '../../etc/passwd',
    '%00',
    '%s%n',
    '${7*7}',
    '<script>',
    "' or 1=1 --",
  ),
);
const JUNK_TEXT = fc.oneof(NUL_TEXT, SURROGATE_TEXT, HUGE_TEXT, ODD_TEXT);
const JUNK_SCALAR = fc.oneof(
  JUNK_TEXT,
  fc.constantFrom(-1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, true, false, null),
);
/** Values of any shape: what the route did not ask for, at any depth. */
const JUNK: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    JUNK_SCALAR,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(
      fc.oneof(JUNK_TEXT, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 3,
      },
    ),
    fc.constantFrom(deep(2000, []), deep(2000, {})),
  ),
})).value;

function deep(levels: number, leaf: unknown[] | object): unknown {
  let value: unknown = leaf;
  for (let i = 0; i < levels; i++) value = Array.isArray(leaf) ? [value] : { a: value };
  return value;
}

// ---------------------------------------------------------------------------------------------
// Values from the route's schema, with junk in place of any part of them

function goodString(schema: Schema): fc.Arbitrary<string> {
  if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc
      .date({ noInvalidDate: true, min: new Date(2000, 0, 1), max: new Date(2100, 0, 1) })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.format === 'uri') return fc.constantFrom('https://example.com/x', 'http://127.0.0.1/a');
  if (schema.format === 'email') return fc.constant('someone@example.com');
  const maxLength = Math.min(schema.maxLength ?? 40, 40);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  if (schema.pattern) {
    try {
      // Not filtered by length: a filter no value passes would loop for ever (a 64-digit hash
      // under a 40-character cap); an out-of-range value is just one more bad input.
      return fc.stringMatching(new RegExp(schema.pattern));
    } catch {
      // A pattern fast-check cannot generate from: plain strings.
    }
  }
  return fc.string({ unit: 'grapheme', minLength, maxLength });
}

/**
 * A value of the schema, with junk in place of any part of it — or, with `junk` false, a value
 * the schema accepts as far as a generator can tell, to reach the services behind validation.
 */
function valueOf(schema: Schema | undefined, depth = 0, junk = true): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return JUNK_SCALAR;
  const good = goodValueOf(schema, depth, junk);
  return junk ? fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: JUNK, weight: 1 }) : good;
}

function goodValueOf(schema: Schema, depth: number, junk = true): fc.Arbitrary<unknown> {
  const inner = (s: Schema | undefined, d: number) => valueOf(s, d, junk);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => inner(s, depth + 1)));
  if (schema.allOf) return inner(Object.assign({}, ...schema.allOf) as Schema, depth + 1);
  const type = (Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type) ?? '';
  switch (type) {
    case 'string':
      return goodString(schema);
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1000, -1e9),
        max: Math.min(schema.maximum ?? 1000, 1e9),
      });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(inner(schema.items, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const properties = Object.entries(schema.properties ?? {});
      const record = fc.record(
        Object.fromEntries(properties.map(([name, s]) => [name, inner(s, depth + 1)])),
        { requiredKeys: (schema.required ?? []).filter((k) => schema.properties?.[k]) },
      );
      if (!junk) return record;
      const extra = fc.dictionary(
        fc.oneof(JUNK_TEXT, fc.constantFrom('__proto__', 'constructor')),
        typeof schema.additionalProperties === 'object'
          ? valueOf(schema.additionalProperties, depth + 1)
          : JUNK,
        { maxKeys: 2 },
      );
      return fc
        .tuple(record, fc.option(extra, { freq: 4 }))
        .map(([r, e]) => (e ? Object.assign(JSON.parse(JSON.stringify(e)) as object, r) : r));
    }
    default:
      return junk ? JUNK : fc.constant(null);
  }
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Percent-encodes a value for a URL; a lone surrogate as the bytes a careless encoder writes. */
function encode(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    out +=
      code >= 0xd800 && code <= 0xdfff
        ? [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
            .map((b) => `%${b.toString(16).toUpperCase()}`)
            .join('')
        : encodeURIComponent(ch);
  }
  return out;
}

/** Raw path segments, sent as they are: the URL parser of fetch would resolve `..` away. */
const RAW_SEGMENT = fc.constantFrom(
  '%00',
  'a%00b',
  '%FF',
  '%C3%28',
  '%ED%A0%80',
  '..',
  '.',
  '..%2F..%2Fetc%2Fpasswd',
  '%2E%2E',
  'x'.repeat(150),
);

function pathArb(op: Operation, known: (name: string) => string): fc.Arbitrary<string> {
  if (op.pathParams.length === 0) return fc.constant(op.path);
  return fc
    .tuple(
      ...op.pathParams.map((name) =>
        fc.oneof(
          { arbitrary: fc.constant(known(name)), weight: 8 },
          { arbitrary: RAW_SEGMENT, weight: 1 },
          { arbitrary: JUNK_TEXT.filter((s) => s.length < 500 && s !== '').map(encode), weight: 1 },
        ),
      ),
    )
    .map((values) => op.pathParams.reduce((p, name, i) => p.replace(`{${name}}`, values[i]), op.path));
}

function queryArb(op: Operation): fc.Arbitrary<string> {
  // Every pair comes out encoded; the raw ones are already what a broken client would send.
  const declared = op.query.map((q) =>
    fc
      .oneof(
        { arbitrary: goodValueOf(q.schema, 0, false).map((v) => encode(String(v))), weight: 6 },
        { arbitrary: JUNK_TEXT.filter((s) => s.length < 3000).map(encode), weight: 2 },
        { arbitrary: fc.constantFrom('%00', '%FF', '%ED%A0%80', '%', '%zz'), weight: 1 },
      )
      .map((value) => `${encodeURIComponent(q.name)}=${value}`),
  );
  const undeclared = JUNK_TEXT.filter((s) => s.length < 200).map((s) => `${encode(s)}=${encode(s)}`);
  const pair =
    declared.length > 0
      ? fc.oneof({ arbitrary: fc.oneof(...declared), weight: 6 }, { arbitrary: undeclared, weight: 1 })
      : undeclared;
  return fc
    .array(pair, { maxLength: declared.length > 0 ? 4 : 1 })
    .map((pairs) => (pairs.length > 0 ? `?${pairs.join('&')}` : ''));
}

type BodyKind = 'json' | 'none' | 'text' | 'stream' | 'xml' | 'no-type' | 'bad-utf8' | 'bad-json' | 'huge';

function bodyArb(op: Operation): fc.Arbitrary<{ kind: BodyKind; value: unknown }> {
  if (op.method === 'GET' || op.method === 'HEAD')
    return fc.constant({ kind: 'none' as const, value: undefined });
  const json = op.body ? valueOf(op.body) : JUNK;
  const valid = op.body ? valueOf(op.body, 0, false) : fc.constant({});
  return fc.oneof(
    { arbitrary: json.map((value) => ({ kind: 'json' as const, value })), weight: 5 },
    { arbitrary: valid.map((value) => ({ kind: 'json' as const, value })), weight: 3 },
    {
      arbitrary: fc
        .constantFrom<BodyKind>('none', 'text', 'stream', 'xml', 'no-type', 'bad-utf8', 'bad-json', 'huge')
        .chain((kind) => json.map((value) => ({ kind, value }))),
      weight: 3,
    },
  );
}

function encodeBody(kind: BodyKind, value: unknown): { body: Buffer | null; type: string | null } {
  const text = JSON.stringify(value ?? null);
  switch (kind) {
    case 'json':
      return { body: Buffer.from(text), type: 'application/json' };
    case 'none':
      return { body: null, type: null };
    case 'text':
      return { body: Buffer.from(text), type: 'text/plain' };
    case 'stream':
      return { body: Buffer.from(text), type: 'application/octet-stream' };
    case 'xml':
      return { body: Buffer.from('<a>b</a>'), type: 'application/xml' };
    case 'no-type':
      return { body: Buffer.from(text), type: null };
    case 'bad-utf8':
      return {
        body: Buffer.concat([
          Buffer.from(text.slice(0, -1)),
          Buffer.from([0xff, 0xc0, 0xed, 0xa0, 0x80]),
          Buffer.from(text.slice(-1)),
        ]),
        type: 'application/json',
      };
    case 'bad-json':
      return {
        body: Buffer.from(text.slice(0, Math.max(1, text.length - 1)) + '\u0000{'),
        type: 'application/json',
      };
    case 'huge':
      return { body: Buffer.from(JSON.stringify({ junk: 'x'.repeat(1_100_000) })), type: 'application/json' };
  }
}

const FILENAME = fc.oneof(
  { arbitrary: fc.constant<string | null>(null), weight: 8 },
  { arbitrary: fc.constantFrom('a%00b.txt', '%FF', '%ED%A0%80', '..%2F..%2Fx', '%', 'plain.txt'), weight: 1 },
  { arbitrary: JUNK_TEXT.filter((s) => s.length < 2000).map(encode), weight: 1 },
);

/** Sometimes an Idempotency-Key, as the web client and pipelines send on POST. */
const IDEMPOTENCY_KEY = fc.option(
  fc.oneof(fc.uuid(), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 300 })),
  {
    freq: 3,
  },
);

function requestArb(op: Operation, known: (name: string) => string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      path: pathArb(op, known),
      query: queryArb(op),
      body: bodyArb(op),
      filename: FILENAME,
      idempotencyKey: IDEMPOTENCY_KEY,
    })
    .map(({ path, query, body, filename, idempotencyKey }) => {
      const { body: bytes, type } = encodeBody(body.kind, body.value);
      const headers: Record<string, string> = {};
      if (type) headers['content-type'] = type;
      if (filename !== null) headers['x-filename'] = filename;
      // Node refuses control characters in a header before sending: only what can be sent is.
      if (idempotencyKey !== null && /^[\x20-\x7e]*$/.test(idempotencyKey))
        headers['idempotency-key'] = idempotencyKey;
      return {
        path: path + query,
        headers,
        body: bytes,
        describe: `${op.method} ${path + query} [${body.kind}${type ? ` ${type}` : ''}${filename !== null ? ` x-filename:${filename.slice(0, 40)}` : ''}] ${bytes ? bytes.subarray(0, 300).toString('utf8') : ''}`,
      };
    });
}

/** Examples every route gets on every run, whatever the seed: the findings of issue #12. */
function examples(op: Operation, known: (name: string) => string): FuzzRequest[] {
  const at = (values: Record<string, string>) =>
    op.pathParams.reduce((p, name) => p.replace(`{${name}}`, values[name] ?? known(name)), op.path);
  const list: FuzzRequest[] = [];
  for (const name of op.pathParams)
    for (const raw of ['abc%00', '..', '%FF'])
      list.push({
        path: at({ [name]: raw }),
        headers: {},
        body: null,
        describe: `${op.method} ${at({ [name]: raw })}`,
      });
  for (const q of op.query)
    list.push({
      path: `${at({})}?${q.name}=a%00`,
      headers: {},
      body: null,
      describe: `${op.method} ?${q.name}=a%00`,
    });
  if (op.method !== 'GET') {
    const nulBody = op.body ? fillStrings(op.body, 'x\u0000') : { a: 'x\u0000' };
    for (const [type, body] of [
      ['application/json', Buffer.from(JSON.stringify(nulBody))],
      ['application/json', Buffer.from(JSON.stringify(fillStrings(op.body ?? {}, '\ud800')))],
      ['application/octet-stream', Buffer.from('type,name,environment\n')],
      ['application/json', Buffer.from('{"file":"x"}')],
    ] as const)
      list.push({
        path: at({}),
        headers: { 'content-type': type, 'x-filename': 'a%00.txt' },
        body,
        describe: `${op.method} ${at({})} [${type}] ${body.toString('utf8').slice(0, 200)}`,
      });
    // A well-formed file, with an Idempotency-Key, to the route as it is: an upload must take it.
    const required = op.query
      .filter((q) => q.required)
      .map((q) => `${q.name}=${encode(String(fillStrings(q.schema, 'x')))}`);
    list.push({
      path: at({}) + (required.length > 0 ? `?${required.join('&')}` : ''),
      headers: {
        'content-type': 'application/octet-stream',
        'x-filename': 'cmdb.csv',
        'idempotency-key': randomUUID(),
      },
      body: Buffer.from('type,name,environment\n'),
      describe: `${op.method} ${at({})} [application/octet-stream, Idempotency-Key] type,name,environment`,
    });
  }
  return list;
}

/** A value of the schema with every string it requires set to `text`. */
function fillStrings(schema: Schema, text: string): unknown {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fillStrings(alternatives[0], text);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object')
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, s]) => [k, fillStrings(s, text)]),
    );
  if (type === 'array') return schema.items ? [fillStrings(schema.items, text)] : [];
  if (type === 'string') return text;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Sending

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

function send(
  base: string,
  method: string,
  request: FuzzRequest,
  client: HttpClient | null,
): Promise<{ status: number; body: unknown; type: string }> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...request.headers };
  if (client) {
    headers.cookie = client.cookieHeader();
    const csrf = client.cookie('rg_csrf');
    if (csrf) headers['x-csrf-token'] = csrf;
  }
  if (request.body) headers['content-length'] = String(request.body.length);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method, path: request.path, headers, agent, timeout: 20_000 },
      (res) => {
        const type = String(res.headers['content-type'] ?? '');
        // A live event stream answers and stays open: its status is the answer.
        if (type.startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, body: null, type });
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if (type.startsWith('application/json'))
            try {
              body = JSON.parse(text);
            } catch {
              body = text;
            }
          resolve({ status: res.statusCode ?? 0, body, type });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end(request.body ?? undefined);
  });
}

/** The answer is acceptable: not a 5xx, and a refusal in the one error shape. */
function problemWith(answer: { status: number; body: unknown; type: string }): string | null {
  if (answer.status >= 500 || answer.status < 100) return `answered ${answer.status}`;
  if (answer.status >= 400) {
    const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string')
      return `answered ${answer.status} outside the error shape: ${JSON.stringify(answer.body).slice(0, 200)}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------

describe.each(DIALECTS)('X-4 bad input fuzzed on %s', (dialect) => {
  let t: TestApp;
  const sessions = new Map<Role, HttpClient>();
  const ids: Record<string, string> = {};

  async function signIn(role: Role): Promise<HttpClient> {
    const client = new HttpClient(t.url);
    expect((await client.login(`fuzz_${role}`)).status).toBe(200);
    sessions.set(role, client);
    return client;
  }

  beforeAll(async () => {
    // The rate limits are tested elsewhere; here they would only turn requests into 429s.
    const unlimited = '100000';
    t = await startTestApp(dialect, {
      RATE_LIMIT_SIGN_IN: unlimited,
      RATE_LIMIT_SIGN_IN_ADDRESS: unlimited,
      RATE_LIMIT_SETUP: unlimited,
      RATE_LIMIT_TOKEN_CREATE: unlimited,
      RATE_LIMIT_CHANGE_WEBHOOK: unlimited,
      CHANGE_WEBHOOK_SECRETS: 'itsm=fuzz-webhook-secret-0123456789',
    });
    for (const role of ROLES) {
      await t.seedUser(`fuzz_${role}`, [role]);
      await signIn(role);
    }
    const boss = sessions.get('operations_manager')!;
    const eng = sessions.get('operations_engineer')!;
    const cfg = sessions.get('configuration_administrator')!;
    // Real records, so that generated requests reach services and not only "not found".
    const core = await ci(cfg, 'database', 'fuzz-db');
    const other = await ci(cfg, 'application', 'fuzz-app');
    const relation = await cfg.post('/api/cmdb/relations', {
      sourceId: other.id,
      targetId: core.id,
      type: 'depends_on',
    });
    const clients = { eng1: eng, eng2: boss, cab1: sessions.get('cab_member')!, cab2: boss };
    const change = await approvedChange(clients, 'fuzz change', [core.id]);
    const release = await eng.post('/api/releases', {
      title: 'fuzz release',
      changeIds: [change.id],
      items: [{ kind: 'service', title: 'fuzz item', ciIds: [core.id] }],
    });
    await boss.post(`/api/releases/${release.body.id}/accept`, {});
    await eng.post(`/api/releases/${release.body.id}/classify`, { type: 'normal', reason: 'fuzz' });
    await eng.request('PUT', `/api/releases/${release.body.id}/plan`, completePlan([core.id]));
    const dsl = await eng.post('/api/dsl/versions', { name: 'fuzz-app', version: '1.0.0' });
    const target = await t.seedUser('fuzz_target', ['operations_engineer']);
    Object.assign(ids, {
      releases: release.body.id,
      changes: change.id,
      cis: core.id,
      relations: relation.body?.id ?? randomUUID(),
      versions: dsl.body?.id ?? randomUUID(),
      users: target.id,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A value for a path parameter that names something that exists, where the test made one. */
  const knownFor = (op: Operation) => (name: string) => {
    if (name === 'id') {
      const collection = /\/api\/(?:[a-z-]+\/)*?([a-z-]+)\/\{id\}/.exec(op.path)?.[1] ?? '';
      return ids[collection] ?? randomUUID();
    }
    return pathParameterExamples()[name] ?? randomUUID();
  };

  /** The session of a role that holds what the route needs (route-access.ts), or nobody. */
  function callerFor(op: Operation): { role: Role | null; client: HttpClient | null } {
    const access = ROUTE_ACCESS[routeKey(op.method, op.path.replace(/\{(\w+)\}/g, ':$1'))];
    if (access === undefined || access === 'public') return { role: null, client: null };
    if (access === 'signed_in' || access === 'session')
      return { role: 'operations_manager', client: sessions.get('operations_manager')! };
    const role = ROLES.find((r) => access.some((p) => permissionsOf([r]).has(p)))!;
    return { role, client: sessions.get(role)! };
  }

  it('X-4 PR-3 every route of the OpenAPI document answers generated bad input — NUL, lone surrogates, huge strings, wrong types and content types, nested junk, %00 and .. in path parameters — with a 2xx or a 4xx in the one error shape, never a 5xx', async () => {
    const doc = (await new HttpClient(t.url).get('/api/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { in: string; name: string; schema: Schema; required?: boolean }[];
            requestBody?: { content: Record<string, { schema: Schema }> };
          }
        >
      >;
    };
    const operations: Operation[] = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/'))
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          method: method.toUpperCase(),
          path,
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]),
          query: (op.parameters ?? [])
            .filter((p) => p.in === 'query')
            .map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
          body: op.requestBody?.content['application/json']?.schema ?? null,
        })),
      )
      // Signing out first would leave the other routes to the sign-in page: it goes last.
      .sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'))
      .filter((op) => !ONLY || ONLY.test(`${op.method} ${op.path}`));
    if (!ONLY) expect(operations.length).toBeGreaterThan(100);

    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const op of operations) {
      const { role, client } = callerFor(op);
      const known = knownFor(op);
      const started = Date.now();
      let failed: string | null = null;
      const property = fc.asyncProperty(requestArb(op, known), async (request) => {
        sent++;
        if (VERBOSE) console.log(`  ${request.describe.slice(0, 160)}`);
        let answer;
        try {
          answer = await send(t.url, op.method, request, client);
        } catch (error) {
          failed = `${request.describe}\n    → ${(error as Error).message}`;
          return false;
        }
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const problem = problemWith(answer);
        if (problem)
          failed = `${request.describe}\n    → ${problem}: ${JSON.stringify(answer.body).slice(0, 300)}`;
        return problem === null;
      });
      try {
        const fixed = examples(op, known).map((e) => [e] as [FuzzRequest]);
        // The examples count among the runs: RUNS generated requests come on top of them.
        await fc.assert(property, {
          seed: SEED,
          numRuns: RUNS + fixed.length,
          endOnFailure: true,
          examples: fixed,
        });
      } catch {
        failures.push(`${op.method} ${op.path} as ${role ?? 'anonymous'}: ${failed ?? 'failed'}`);
      }
      if (VERBOSE) console.log(`${op.method} ${op.path}: ${Date.now() - started} ms`);
      // A route may have ended the caller's session (sign-out): sign in again for the next.
      if (role && (await sessions.get(role)!.get('/api/auth/session')).status === 401) await signIn(role);
    }
    if (VERBOSE)
      console.log(
        'answers by status',
        [...statuses].sort((a, b) => a[0] - b[0]),
      );
    expect(failures, `FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} reproduces these:\n${failures.join('\n')}`).toEqual(
      [],
    );
    // A run that stops at its first failure sends fewer; one that passes sent them all.
    expect(sent).toBeGreaterThanOrEqual(operations.length * RUNS);
  }, 600_000);
});
