import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { NEVER_ON_TOKENS } from '@releasegate/domain';
import { CSRF_HEADER, SESSION_COOKIE } from '../http/cookies';
import { ERROR_STATUS } from '../http/error-handler';
import { ROUTE_ACCESS } from '../http/route-access';
import { writeOpenApi } from './openapi';

type Json = Record<string, any>;

const root = path.resolve(import.meta.dirname, '../../../..');
const committed = path.join(root, 'docs/openapi.json');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const UNSAFE = new Set(['put', 'post', 'patch', 'delete']);

let fresh: string;
let doc: Json;
const operations: { method: string; path: string; op: Json }[] = [];

beforeAll(async () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rg-api-')), 'openapi.json');
  await writeOpenApi(file);
  fresh = fs.readFileSync(file, 'utf8');
  doc = JSON.parse(fresh) as Json;
  for (const [p, item] of Object.entries(doc.paths as Json))
    for (const method of METHODS) if (item[method]) operations.push({ method, path: p, op: item[method] });
});

/** Follows a local `$ref` (`#/components/…`) to what it names. */
function resolve(node: Json): Json {
  if (typeof node.$ref !== 'string') return node;
  return node.$ref
    .slice(2)
    .split('/')
    .reduce((at: Json, part) => at[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

const byId = (operationId: string) => {
  const found = operations.find((o) => o.op.operationId === operationId);
  if (!found) throw new Error(`no operation ${operationId}`);
  return found;
};

/** `POST /api/releases/:id` for the operation at `post` `/api/releases/{id}`. */
const routeKeyOf = (method: string, p: string) => `${method.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`;

describe('the API contract', () => {
  it('docs/openapi.json (from which the web client types are generated) matches the routes; run `npm run api:types` after changing one', () => {
    expect(
      fresh === fs.readFileSync(committed, 'utf8'),
      'docs/openapi.json is stale: run `npm run api:types`',
    ).toBe(true);
  });

  it('IM-7 every operation has an operationId: camelCase and unique, so a pipeline can generate a client', () => {
    expect(operations.length).toBeGreaterThan(150);
    const ids = operations.map((o) => o.op.operationId as unknown);
    for (const [i, id] of ids.entries())
      expect(id, `${operations[i].method} ${operations[i].path}`).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(byId('checkGate').path).toBe('/api/gate/check');
    expect(byId('finishStep').path).toBe('/api/releases/{id}/steps/{phase}/{index}/finish');
  });

  it('IM-7 every operation documents its error responses, each the one shared error schema with examples; the code enum has every code the server answers with', () => {
    const error = doc.components.schemas.Error as Json;
    expect(error.required).toEqual(['error']);
    const codes = error.properties.error.properties.code.enum as string[];
    expect(new Set(codes)).toEqual(new Set(Object.keys(ERROR_STATUS)));
    for (const code of [
      'invalid_input',
      'unsupported_media_type',
      'request_timeout',
      'internal_error',
      'conflict',
    ])
      expect(codes).toContain(code);
    expect(error.examples.length).toBeGreaterThan(0);

    for (const { method, path: p, op } of operations) {
      const where = `${op.operationId as string} (${method} ${p})`;
      const statuses = Object.keys(op.responses as Json);
      const errors = statuses.filter((s) => /^[45]/.test(s) && s !== '503');
      expect(errors, where).toContain('500');
      for (const status of errors) {
        const response = resolve(op.responses[status] as Json);
        expect(response.description, where).toMatch(/\w/);
        const media = response.content['application/json'] as Json;
        expect(media.schema, `${where} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
        // too_large is 413 for a body, 414 for a path parameter (the one code with two statuses)
        for (const example of Object.values(media.examples as Json) as Json[])
          if (status !== '414')
            expect(
              ERROR_STATUS[example.value.error.code as keyof typeof ERROR_STATUS],
              `${where} ${status}`,
            ).toBe(Number(status));
      }
      const access = ROUTE_ACCESS[routeKeyOf(method, p)];
      const authenticated = p.startsWith('/api/') && access !== undefined && access !== 'public';
      if (authenticated) expect(statuses, where).toContain('401');
      if (authenticated && (Array.isArray(access) || access === 'session' || UNSAFE.has(method)))
        expect(statuses, where).toContain('403');
      if (p.includes('{')) expect(statuses, where).toEqual(expect.arrayContaining(['400', '404']));
      if (op.requestBody) expect(statuses, where).toEqual(expect.arrayContaining(['400', '413', '415']));
      if (UNSAFE.has(method) && p.startsWith('/api/')) expect(statuses, where).toContain('409');
    }
    expect(Object.keys(byId('signIn').op.responses)).toEqual(expect.arrayContaining(['401', '429']));
  });

  it('IM-7 the upload routes take the file as an application/octet-stream body; nothing else does', () => {
    const uploads = operations.filter((o) => o.op.requestBody?.content?.['application/octet-stream']);
    expect(uploads.map((o) => o.op.operationId as string).sort()).toEqual([
      'importCmdb',
      'importUserContacts',
      'uploadDslContent',
      'uploadEvidence',
    ]);
    for (const { op } of uploads) {
      expect(op.requestBody.required).toBe(true);
      expect(op.requestBody.content).toEqual({
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      });
      expect(op.parameters.map((p: Json) => resolve(p).name)).toContain('X-Filename');
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['413', '415']));
    }
    const download = byId('downloadDslContent').op;
    expect(download.responses['200'].content['application/octet-stream'].schema).toEqual({
      type: 'string',
      format: 'binary',
    });
  });

  it('IM-3 IM-7 the live route is described as a text/event-stream, not as JSON', () => {
    const live = byId('streamReleaseEvents');
    expect(live.path).toBe('/api/releases/{id}/live');
    expect(Object.keys(live.op.responses['200'].content)).toEqual(['text/event-stream']);
  });

  it('X-4 security: the session cookie with the CSRF header on unsafe methods, the bearer API token with the scopes the route needs, none on public routes', () => {
    const schemes = doc.components.securitySchemes as Json;
    expect(schemes.session).toMatchObject({ type: 'apiKey', in: 'cookie', name: SESSION_COOKIE });
    expect(schemes.csrfToken).toMatchObject({ type: 'apiKey', in: 'header' });
    expect((schemes.csrfToken.name as string).toLowerCase()).toBe(CSRF_HEADER);
    expect(schemes.apiToken).toMatchObject({ type: 'http', scheme: 'bearer' });

    for (const { method, path: p, op } of operations.filter((o) => o.path.startsWith('/api/'))) {
      const where = `${op.operationId as string} (${method} ${p})`;
      const access = ROUTE_ACCESS[routeKeyOf(method, p)];
      expect(access, where).toBeDefined();
      const security = op.security as Record<string, string[]>[];
      if (access === 'public') {
        expect(security, where).toEqual([]);
        continue;
      }
      const sessions = security.filter((r) => 'session' in r);
      expect(sessions.length, where).toBeGreaterThan(0);
      for (const r of sessions) expect('csrfToken' in r, where).toBe(UNSAFE.has(method));
      const tokenScopes = security.filter((r) => 'apiToken' in r).flatMap((r) => r.apiToken);
      if (access === 'session')
        expect(
          security.some((r) => 'apiToken' in r),
          where,
        ).toBe(false);
      if (Array.isArray(access))
        expect(tokenScopes.sort(), where).toEqual(access.filter((p) => !NEVER_ON_TOKENS.includes(p)).sort());
    }
    expect(byId('checkGate').op.security).toContainEqual({ apiToken: ['gate.check'] });
    expect(byId('createToken').op.security.some((r: Json) => 'apiToken' in r)).toBe(false);
  });

  it('decision 0020: every JSON request body says that unknown fields are refused (additionalProperties: false)', () => {
    const open: string[] = [];
    const visit = (schema: Json, where: string) => {
      if (schema.properties) {
        if (schema.additionalProperties === undefined || schema.additionalProperties === true)
          open.push(where);
        for (const [name, s] of Object.entries(schema.properties as Json))
          visit(s as Json, `${where}.${name}`);
      }
      if (schema.items) visit(schema.items as Json, `${where}[]`);
      for (const s of (schema.anyOf ?? []) as Json[]) visit(s, where);
    };
    const bodies = operations.filter((o) => o.op.requestBody?.content?.['application/json']);
    expect(bodies.length).toBeGreaterThan(50);
    for (const { op } of bodies)
      visit(resolve(op.requestBody.content['application/json'].schema as Json), op.operationId as string);
    expect(open).toEqual([]);
  });

  it('IM-7 the main request bodies and answers carry examples', () => {
    const example = (operationId: string) =>
      byId(operationId).op.requestBody.content['application/json'].example as unknown;
    for (const id of [
      'signIn',
      'checkGate',
      'startStep',
      'finishStep',
      'createToken',
      'pushLogs',
      'raiseTrigger',
    ])
      expect(example(id), id).toBeDefined();
    expect(doc.components.schemas.GateAnswer.examples).toHaveLength(1);
    expect(doc.components.schemas.Session.examples).toHaveLength(1);
  });

  it('the committed document (equal to the fresh one, above) passes Redocly lint with redocly.yaml: the recommended rules, warnings as errors', async () => {
    const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
    const run = promisify(execFile);
    const result = await run(process.execPath, [cli, 'lint', '--format=stylish'], {
      cwd: root,
      env: {
        ...process.env,
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        REDOCLY_TELEMETRY: 'off',
        NO_COLOR: '1',
      },
    }).then(
      ({ stdout, stderr }) => ({ ok: true, output: `${stdout}${stderr}` }),
      (error: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
      }),
    );
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain('Your API description is valid');
  });
});
