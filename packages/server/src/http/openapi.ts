import { FIELD_CODES, REASON_CODES, RULE_CODES } from '@releasegate/messages';
import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { globalRegistry, type ZodType } from 'zod';
import { NEVER_ON_TOKENS, PIPELINE_SCOPES } from '@releasegate/domain';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies';
import { ERROR_STATUS, RESPONSE_ERROR_CODES, type ResponseErrorCode } from './error-handler';
import { IDEMPOTENCY_HEADER } from './idempotency';
import { isDocumentationRoute, ROUTE_ACCESS, routeKey, type RouteAccess } from './route-access';
import { UNKNOWN_FIELD_RULE } from './strict-input';
import { UPLOAD_CONTENT_TYPE } from './uploads';
import { changeDetailView } from '../modules/changes/change.schemas';
import { dslVersionView } from '../modules/dsl/dsl.schemas';
import { progressView } from '../modules/execution/execution.schemas';
import { gateAnswerView } from '../modules/gate/gate.routes';
import { sessionView, tokenView, userView } from '../modules/identity/identity.schemas';
import { policyVersionView } from '../modules/policy/policy.schemas';
import { releaseDetailView } from '../modules/releases/release.schemas';

/**
 * The OpenAPI document (issue #14, "one contract"): what a pipeline author codes against.
 *
 * The routes declare what only they know — an `operationId` (a stable name chosen by a person,
 * next to the route's summary), their zod schemas, and `produces` for an answer that is not JSON.
 * Everything else is derived here, in one place, from what the server enforces: who may call a
 * route (the permission table, http/route-access.ts) becomes its security requirement; the route's
 * access rule, method, parameters, body, upload and rate limits become the error responses it can
 * give, each with the one error schema; an upload's body is described as application/octet-stream;
 * request bodies say that unknown fields are refused (decision 0020). A documented route without
 * an operationId, or two routes with the same one, stop the document from being built.
 */

type Json = Record<string, unknown>;
type SecurityRequirement = Record<string, string[]>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const OPERATION_ID = /^[a-z][a-zA-Z0-9]*$/;
/** The header name as the server compares it (lower case); named here as clients write it. */
const CSRF_HEADER_NAME = 'X-CSRF-Token';
const IDEMPOTENCY_HEADER_NAME = 'Idempotency-Key';

/** The error schema every refusal and failure of the API answers with. */
const ERROR_SCHEMA = 'Error';

/**
 * Refusals a route's service gives that its access rule, method, parameters and body do not
 * imply — mostly the public routes, which check credentials of their own — by operationId.
 */
const SERVICE_REFUSALS: Readonly<Record<string, readonly ResponseErrorCode[]>> = {
  signIn: ['unauthenticated', 'forbidden', 'conflict', 'policy_violation', 'unavailable'],
  recheckDirectory: ['unavailable', 'policy_violation'],
  startOidcSignIn: ['not_found'],
  finishOidcSignIn: ['not_found'],
  completeSecondFactor: ['unauthenticated'],
  completeSetup: ['policy_violation'],
  receiveChangeWebhook: ['unauthenticated', 'policy_violation'],
  feishuCardCallback: ['unauthenticated', 'not_found'],
  wecomCallbackCheck: ['unauthenticated', 'not_found'],
  wecomCardCallback: ['unauthenticated', 'not_found'],
  dingtalkCardCallback: ['unauthenticated', 'not_found'],
  getMetrics: ['unauthenticated', 'not_found'],
  checkGate: ['not_found'],
  downloadCiClient: ['not_found'],
  getCiClientInfo: ['not_found'],
  createToken: ['not_found'],
  createRelation: ['not_found'],
  analyzeImpact: ['not_found'],
};

/** Security requirements that are not the permission table's: the metrics endpoint's own token. */
const SECURITY_OVERRIDES: Readonly<Record<string, SecurityRequirement[]>> = {
  getMetrics: [{ metricsToken: [] }],
};

/**
 * The answers many routes share, named in components.schemas and referenced from each route
 * (a client generator makes one type of each). Registered with zod's registry, from which the
 * zod transform writes them as `$ref`s.
 */
const SHARED_SCHEMAS: Readonly<Record<string, ZodType>> = {
  ReleaseDetail: releaseDetailView,
  ChangeDetail: changeDetailView,
  DslVersion: dslVersionView,
  PolicyVersion: policyVersionView,
  Progress: progressView,
  GateAnswer: gateAnswerView,
  User: userView,
  Session: sessionView,
  ApiToken: tokenView,
};

function registerSharedSchemas(): void {
  for (const [id, schema] of Object.entries(SHARED_SCHEMAS)) {
    const meta = globalRegistry.get(schema);
    if (meta?.id === id) continue; // a second app in the same process (tests)
    globalRegistry.add(schema, { ...meta, id });
  }
}

/** What the document says of one route, gathered while the routes are transformed. */
interface RouteFacts {
  method: string;
  url: string;
  operationId: string;
  access: RouteAccess | undefined;
  api: boolean;
  upload: boolean;
  hasBody: boolean;
  hasParams: boolean;
  hasQuery: boolean;
  rateLimits: readonly string[];
  allowExpiredPassword: boolean;
  produces: readonly string[] | undefined;
}

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `/api/releases/:id` as OpenAPI writes it: `/api/releases/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Unknown body fields are refused (http/strict-input.ts), at every depth: every object of a
 * request body that zod leaves open says so with `additionalProperties: false`. Objects that
 * declare what else they take (records, `additionalProperties: {…}`) are left as they are.
 */
export function refuseUnknownFields(schema: unknown): void {
  if (Array.isArray(schema)) {
    for (const s of schema) refuseUnknownFields(s);
    return;
  }
  if (!isRecord(schema)) return;
  if (isRecord(schema.properties)) {
    if (!('additionalProperties' in schema)) schema.additionalProperties = false;
    for (const s of Object.values(schema.properties)) refuseUnknownFields(s);
  }
  for (const key of ['items', 'additionalProperties', 'not']) refuseUnknownFields(schema[key]);
  for (const key of ['prefixItems', 'anyOf', 'oneOf', 'allOf']) refuseUnknownFields(schema[key]);
}

/** Who may call the route, as OpenAPI security requirements (permissions as the 3.1 role names). */
function securityOf(facts: RouteFacts): SecurityRequirement[] {
  const override = SECURITY_OVERRIDES[facts.operationId];
  if (override) return override;
  const { access } = facts;
  if (!facts.api || access === undefined || access === 'public') return [];
  const session = (permissions: string[]): SecurityRequirement =>
    SAFE_METHODS.has(facts.method) ? { session: permissions } : { session: permissions, csrfToken: [] };
  if (access === 'signed_in') return [session([]), { apiToken: [] }];
  if (access === 'session') return [session([])];
  return [
    ...access.map((p) => session([p])),
    ...access.filter((p) => !NEVER_ON_TOKENS.includes(p)).map((p) => ({ apiToken: [p] })),
  ];
}

function accessText(facts: RouteFacts): string | null {
  const { access } = facts;
  if (facts.operationId in SECURITY_OVERRIDES || !facts.api) return null;
  const csrf = SAFE_METHODS.has(facts.method)
    ? ''
    : ` A browser session sends the ${CSRF_HEADER_NAME} header with this unsafe method.`;
  if (access === undefined || access === 'public') return 'Access: anyone; no sign-in needed.';
  if (access === 'signed_in') return `Access: any signed-in person or API token.${csrf}`;
  if (access === 'session') return `Access: a person signed in at a browser; API tokens are refused.${csrf}`;
  const names = access.map((p) => `\`${p}\``).join(' or ');
  const tokens = access.every((p) => NEVER_ON_TOKENS.includes(p))
    ? ' No API token may carry it.'
    : ' An API token needs it among its scopes.';
  return `Access: the permission ${names}.${tokens}${csrf}`;
}

/**
 * The refusals the route can give, derived from what the server checks before and around the
 * handler: the access rule (401, 403; 422 for an expired password), the input (400, and 404 for
 * a path naming a thing), the body (408, 413, 415), the method (409 for a state change, a race
 * or an Idempotency-Key in use; 422 for a key reused), rate limits (429) — plus the service's own
 * refusals listed above. Every route can fail with 500.
 */
function errorStatuses(facts: RouteFacts): number[] {
  const statuses = new Set<number>();
  const authenticated = facts.api && facts.access !== undefined && facts.access !== 'public';
  const unsafe = !SAFE_METHODS.has(facts.method);
  const takesBody = facts.hasBody || facts.upload;
  const idempotent = facts.method === 'POST' && authenticated && !facts.upload;
  if (takesBody || facts.hasParams || facts.hasQuery || idempotent) statuses.add(400);
  if (authenticated) statuses.add(401);
  if (authenticated && (Array.isArray(facts.access) || facts.access === 'session' || unsafe))
    statuses.add(403);
  if (facts.hasParams) statuses.add(404);
  if (takesBody) statuses.add(408);
  if (unsafe && facts.api) statuses.add(409);
  if (takesBody) statuses.add(413);
  if (facts.hasParams) statuses.add(414);
  if (takesBody) statuses.add(415);
  if (authenticated && (!facts.allowExpiredPassword || idempotent)) statuses.add(422);
  if (facts.rateLimits.length > 0) statuses.add(429);
  for (const code of SERVICE_REFUSALS[facts.operationId] ?? []) statuses.add(ERROR_STATUS[code]);
  statuses.add(500);
  return [...statuses].sort((a, b) => a - b);
}

const errorRef = { $ref: `#/components/schemas/${ERROR_SCHEMA}` };

const errorExample = (code: ResponseErrorCode, message: string, details?: Json) => ({
  value: { error: { code, message, ...(details && { details }) } },
});

/** One reusable response per status, each the error schema with examples of its codes. */
const ERROR_RESPONSES: Record<number, { name: string; description: string; examples: Json; headers?: Json }> =
  {
    400: {
      name: 'InvalidInput',
      description: `invalid_input: a parameter or body field breaks its rule, or the body has a field the route does not know (${UNKNOWN_FIELD_RULE}; nothing is dropped silently), or is not valid JSON, or a header (Idempotency-Key, X-Filename) is not valid. \`details.fields\` names each field with its problems.`,
      examples: {
        invalidField: errorExample(
          'invalid_input',
          'Invalid body: environment: required; title: at most 200 characters',
          {
            fields: { environment: ['required'], title: ['at most 200 characters'] },
            fieldProblems: {
              environment: [{ code: 'required', params: {} }],
              title: [{ code: 'text_max', params: { max: 200 } }],
            },
          },
        ),
        unknownField: errorExample('invalid_input', 'Invalid body: justification: unknown field', {
          fields: { justification: ['unknown field'] },
          fieldProblems: { justification: [{ code: 'unknown_field', params: {} }] },
        }),
      },
    },
    401: {
      name: 'Unauthenticated',
      description:
        'unauthenticated: no credentials, an API token unknown, expired or revoked, a session that has ended, or (sign-in, webhooks) credentials that do not hold.',
      examples: {
        noCredentials: errorExample('unauthenticated', 'Sign in first', { reason: 'no_credentials' }),
        badToken: errorExample('unauthenticated', 'The API token is unknown, expired or revoked', {
          reason: 'bad_token',
        }),
      },
    },
    403: {
      name: 'Forbidden',
      description: `forbidden: the caller lacks the permission (an API token: among its scopes), the route is for browser sessions only, the account's roles break separation of duties, or a browser session's unsafe request lacks the ${CSRF_HEADER_NAME} header. Recorded in the audit trail.`,
      examples: {
        permission: errorExample(
          'forbidden',
          'This action needs the permission "gate.check" among the API token\'s scopes',
          { rule: 'X-4 permission', permission: 'gate.check', permissions: ['gate.check'], via: 'token' },
        ),
        csrf: errorExample('forbidden', `Missing or wrong CSRF token (${CSRF_HEADER_NAME} header)`, {
          rule: 'csrf',
          reason: 'csrf',
        }),
      },
    },
    404: {
      name: 'NotFound',
      description:
        'not_found: the thing the path (or body) names does not exist, or the caller may not see it.',
      examples: {
        notFound: errorExample('not_found', 'Release REL-2026-0042 does not exist', {
          what: 'Release',
          id: 'REL-2026-0042',
        }),
      },
    },
    408: {
      name: 'RequestTimeout',
      description: 'request_timeout: the request body did not arrive in time (HTTP_BODY_TIMEOUT_SECONDS).',
      examples: {
        timeout: errorExample(
          'request_timeout',
          'The request body did not arrive within 60 s (HTTP_BODY_TIMEOUT_SECONDS)',
          {
            rule: 'HTTP_BODY_TIMEOUT_SECONDS',
            seconds: 60,
          },
        ),
      },
    },
    409: {
      name: 'Conflict',
      description:
        'conflict or invalid_transition: the state does not allow the action now, someone else took a one-shot action first (`details.reason` `already_done` names who and when), the same thing was created at the same moment, or the first request with this Idempotency-Key is still running.',
      examples: {
        invalidTransition: errorExample(
          'invalid_transition',
          'Conflicts are overridden while the plan is being drafted',
          { rule: 'PL-5 schedule conflicts' },
        ),
        alreadyDone: errorExample(
          'conflict',
          'This conflict is already overridden, by mgr1 at 2026-11-27T04:23:43.033Z',
          {
            reason: 'already_done',
            rule: 'PL-5 schedule conflicts',
            action: 'override_conflict',
            by: 'mgr1',
            at: '2026-11-27T04:23:43.033Z',
          },
        ),
      },
    },
    413: {
      name: 'TooLarge',
      description:
        'too_large: the body is larger than the route takes (JSON: 1 MiB; uploads: DSL_MAX_UPLOAD_MB and the import limits); nothing is kept.',
      examples: {
        tooLarge: errorExample('too_large', 'The request body is larger than the limit of 1048576 bytes', {
          rule: 'request body size limit',
          maxBytes: 1048576,
        }),
      },
    },
    414: {
      name: 'PathTooLong',
      description: 'too_large: a path parameter is longer than the router takes.',
      examples: {
        tooLong: errorExample('too_large', 'A path parameter is longer than 100 characters', {
          rule: 'path parameter length',
          maxLength: 100,
        }),
      },
    },
    415: {
      name: 'UnsupportedMediaType',
      description: `unsupported_media_type: the body's Content-Type is not the one the route takes (application/json; uploads: ${UPLOAD_CONTENT_TYPE}).`,
      examples: {
        wrongType: errorExample(
          'unsupported_media_type',
          'This route takes a body of Content-Type application/json, not text/plain',
          { rule: 'content type', expected: 'application/json', received: 'text/plain' },
        ),
      },
    },
    422: {
      name: 'PolicyViolation',
      description:
        'policy_violation: a rule of the release policy or of the system refuses the action (`details.rule` names it): a missing plan section, a freeze window, four eyes, an expired password, an Idempotency-Key reused for another request. Recorded in the audit trail.',
      examples: {
        policy: errorExample(
          'policy_violation',
          'Cannot submit plan REL-2026-0042: sections missing: rollback (PL-1 plan sections)',
          { rule: 'PL-1 plan sections', action: 'submit_plan', missing: ['rollback'] },
        ),
        passwordExpired: errorExample(
          'policy_violation',
          'Your password has expired or was set by an administrator; change it before you continue',
          { rule: 'password maximum age', reason: 'password_expired' },
        ),
      },
    },
    429: {
      name: 'RateLimited',
      description: 'rate_limited: too many requests of this kind; try again after Retry-After seconds.',
      headers: {
        'Retry-After': {
          description: 'Seconds until the limit allows another request',
          schema: { type: 'integer', minimum: 0 },
        },
      },
      examples: {
        rateLimited: errorExample(
          'rate_limited',
          'Too many sign-ins from this address: at most 20 a minute; try again in 42 s',
          {
            rule: 'X-4 sign-in rate limit per address',
            limit: 20,
            windowSeconds: 60,
            retryAfterSeconds: 42,
          },
        ),
      },
    },
    503: {
      name: 'Unavailable',
      description:
        'unavailable: a service this one depends on (the company directory, the identity provider) did not answer; nothing was changed. Try again, or the break-glass administrator signs in locally.',
      examples: {
        directoryDown: errorExample(
          'unavailable',
          'The company directory does not answer; try again in a moment',
          {
            rule: 'X-4 directory sign-in',
            reason: 'directory_unavailable',
          },
        ),
      },
    },
    500: {
      name: 'InternalError',
      description:
        'internal_error: the server failed; nothing is shown but the request id to quote to the administrator.',
      examples: {
        internal: errorExample(
          'internal_error',
          'Internal server error; quote the request id to the administrator',
          {
            requestId: '8f14e45f-ceea-467f-a0e6-4c5b7a5e2c3d',
          },
        ),
      },
    },
  };

function errorSchema(): Json {
  const statusOf = (code: ResponseErrorCode) => ERROR_STATUS[code];
  return {
    type: 'object',
    description:
      'The one shape of every refusal and failure. Branch on `error.code` (stable) and `error.details` (`ruleCode`, `blockers`); `error.message` is for people, in English or, under `Accept-Language: zh-CN`, in Chinese where the refusal carries codes.',
    required: ['error'],
    additionalProperties: false,
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        additionalProperties: false,
        properties: {
          code: {
            type: 'string',
            enum: [...RESPONSE_ERROR_CODES],
            description: `Stable error code, each with its HTTP status: ${RESPONSE_ERROR_CODES.map((c) => `${c} ${statusOf(c)}`).join(', ')} (and 414 for a path parameter too long).`,
          },
          message: { type: 'string', description: 'What went wrong and what to do, for people; may change.' },
          details: {
            type: 'object',
            description:
              'Particulars for programs: `fields` (invalid_input: each field with its problems), `rule` (the rule that refused), `reason`, `requestId` (internal_error), and more by code.',
            additionalProperties: true,
            properties: {
              fields: {
                type: 'object',
                description:
                  'invalid_input: the problems of each field, by its path (`_` for the whole input)',
                additionalProperties: { type: 'array', items: { type: 'string' } },
              },
              fieldProblems: {
                type: 'object',
                description:
                  'invalid_input and other refusals naming fields: the same problems as `fields`, as codes of the message catalog with their parameters (`{ code: "text_max", params: { max: 200 } }`), to show in the reader\'s language',
                additionalProperties: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['code', 'params'],
                    additionalProperties: false,
                    properties: {
                      code: { type: 'string', enum: [...FIELD_CODES] },
                      params: { type: 'object', additionalProperties: true },
                    },
                  },
                },
              },
              rule: {
                type: 'string',
                description: 'The rule that refused in English, e.g. `X-4 permission`, `PL-1 plan sections`',
              },
              ruleCode: {
                type: 'string',
                enum: [...RULE_CODES],
                description:
                  'The rule as a stable code of the message catalog (@releasegate/messages, decision 0021): branch on this, not on `rule`',
              },
              requirement: {
                type: ['string', 'null'],
                description:
                  "The requirement the rule belongs to ('RB-2') on its own; null for the system's own rules",
              },
              reason: {
                type: 'string',
                description: 'A finer reason, e.g. `csrf`, `bad_token`, `already_done`',
              },
              reasons: {
                type: 'array',
                description:
                  "Why, as codes of the message catalog with their parameters, to show in the reader's language: the rule (when a rule of the policy refused) and the reason",
                items: {
                  type: 'object',
                  required: ['reasonCode', 'params'],
                  additionalProperties: false,
                  properties: {
                    ruleCode: { type: 'string', enum: [...RULE_CODES] },
                    requirement: { type: ['string', 'null'] },
                    reasonCode: { type: 'string', enum: [...REASON_CODES] },
                    params: { type: 'object', additionalProperties: true },
                  },
                },
              },
              requestId: { type: 'string', description: 'internal_error: the request id to quote' },
            },
          },
        },
      },
    },
    examples: [
      {
        error: {
          code: 'invalid_input',
          message: 'Invalid body: justification: unknown field',
          details: {
            fields: { justification: ['unknown field'] },
            fieldProblems: { justification: [{ code: 'unknown_field', params: {} }] },
          },
        },
      },
    ],
  };
}

const binary = { type: 'string', format: 'binary' };

function successContent(facts: RouteFacts, existing: Json | undefined): Json | undefined {
  if (!facts.produces || (isRecord(existing) && isRecord(existing.content))) return undefined;
  const content: Json = {};
  for (const type of facts.produces)
    content[type] =
      type === 'text/event-stream'
        ? {
            schema: {
              type: 'string',
              description:
                'Server-Sent Events: `hello` first ({ releaseId, state }), then a `change` event ({ type, releaseId, at, … }) whenever the release changes; comment lines keep the connection alive.',
            },
            example:
              'id: 1\nevent: hello\ndata: {"releaseId":"…","state":"implementing"}\n\nid: 2\nevent: change\ndata: {"type":"step","releaseId":"…","at":"2026-11-27T04:23:43.033Z"}\n\n',
          }
        : { schema: type.startsWith('text/') || type.includes('json') ? { type: 'string' } : binary };
  return content;
}

/** Applies what the route's facts imply to its operation in the document. */
function completeOperation(operation: Json, facts: RouteFacts): void {
  operation.security = securityOf(facts);
  const access = accessText(facts);
  if (access) operation.description = [operation.description, access].filter(Boolean).join('\n\n');

  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  if (facts.upload) {
    operation.requestBody = {
      required: true,
      description: `The file's bytes as the body, streamed (Content-Type ${UPLOAD_CONTENT_TYPE}); any other content type is refused with 415.`,
      content: { [UPLOAD_CONTENT_TYPE]: { schema: binary } },
    };
    parameters.push({ $ref: '#/components/parameters/Filename' });
  }
  if (facts.method === 'POST' && facts.api && facts.access !== 'public' && !facts.upload)
    parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (parameters.length > 0) operation.parameters = parameters;

  const responses = (operation.responses as Json | undefined) ?? {};
  const ok = Object.keys(responses).find((s) => s.startsWith('2'));
  if (ok && isRecord(responses[ok])) {
    const response = responses[ok];
    const content = successContent(facts, response);
    if (content) response.content = content;
    if (response.description === 'Default Response')
      response.description = ok === '204' ? 'Done; no content' : 'Success';
  }
  for (const status of errorStatuses(facts)) {
    if (String(status) in responses) continue;
    const response = ERROR_RESPONSES[status];
    if (!response) throw new Error(`${facts.operationId}: no error response is described for ${status}`);
    responses[String(status)] = { $ref: `#/components/responses/${response.name}` };
  }
  operation.responses = responses;
}

/** Every `$ref` target reachable from the paths, to drop the component schemas nothing uses. */
function referencedSchemas(document: Json): Set<string> {
  const schemas = (document.components as Json).schemas as Json;
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
        const name = value.slice('#/components/schemas/'.length);
        if (!found.has(name)) {
          found.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(document.paths);
  visit((document.components as Json).responses);
  return found;
}

/** Registers @fastify/swagger with the document's fixed parts and the per-route derivations. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  if (
    CSRF_HEADER_NAME.toLowerCase() !== CSRF_HEADER ||
    IDEMPOTENCY_HEADER_NAME.toLowerCase() !== IDEMPOTENCY_HEADER
  )
    throw new Error('http/openapi.ts names a header the server does not read');
  registerSharedSchemas();
  const facts = new Map<string, RouteFacts>();

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'ReleaseGate API (发布管理平台)',
        version: '0.1.0',
        description: [
          'Release management enforcing XDYJ-06-01.',
          `Every refusal answers \`{ error: { code, message, details } }\` (schema \`${ERROR_SCHEMA}\`) with the status of its code. A request body field the route does not know is refused with 400 naming it, never dropped (decision 0020).`,
          `Browsers sign in (POST /api/auth/login) and send the \`${SESSION_COOKIE}\` cookie; every unsafe request (POST, PUT, PATCH, DELETE) also sends the \`${CSRF_HEADER_NAME}\` header with the csrfToken of the sign-in answer. Pipelines send an API token as \`Authorization: Bearer <token>\`; a token acts only within its scopes.`,
          `POST requests take an optional \`${IDEMPOTENCY_HEADER_NAME}\` header: the same key again gets the first answer (\`Idempotent-Replayed: true\`) and changes nothing.`,
        ].join('\n\n'),
      },
      servers: [{ url: '/', description: 'This ReleaseGate server' }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: SESSION_COOKIE,
            description: `The browser session, set by POST /api/auth/login (HttpOnly). Unsafe methods also need the ${CSRF_HEADER_NAME} header (scheme csrfToken). The permissions a route needs are listed as the requirement's roles.`,
          },
          csrfToken: {
            type: 'apiKey',
            in: 'header',
            name: CSRF_HEADER_NAME,
            description:
              'The csrfToken of the sign-in answer (also in the readable rg_csrf cookie), sent with the session cookie on every POST, PUT, PATCH and DELETE (double submit).',
          },
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: `An API token (POST /api/tokens): scoped and expiring. The requirement's roles are the scopes the route needs (any one of them). A service account's token may carry only ${PIPELINE_SCOPES.map((p) => `\`${p}\``).join(', ')}; no token carries ${NEVER_ON_TOKENS.map((p) => `\`${p}\``).join(', ')}.`,
          },
          metricsToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'METRICS_TOKEN, for the Prometheus scrape of /metrics only.',
          },
        },
      },
    },
    transform: (document) => {
      const result = jsonSchemaTransform(document);
      const schema = result.schema as Json & { hide?: boolean };
      if (schema.hide) return result;
      const route = document.route;
      const method = [route.method].flat()[0].toUpperCase();
      const operationId = (document.schema as { operationId?: unknown } | undefined)?.operationId;
      const where = routeKey(method, document.url);
      if (typeof operationId !== 'string' || !OPERATION_ID.test(operationId))
        throw new Error(`${where} needs an operationId in camelCase (schema.operationId)`);
      const api = document.url.startsWith('/api/') && !isDocumentationRoute(document.url);
      const config = route.config ?? {};
      facts.set(`${method} ${openApiPath(document.url)}`, {
        method,
        url: document.url,
        operationId,
        access: ROUTE_ACCESS[where],
        api,
        upload: config.upload === true,
        hasBody: schema.body !== undefined,
        hasParams: document.url.includes(':'),
        hasQuery: schema.querystring !== undefined,
        rateLimits: config.rateLimits ?? [],
        allowExpiredPassword: config.allowExpiredPassword === true,
        produces: (document.schema as { produces?: readonly string[] } | undefined)?.produces,
      });
      if (schema.body !== undefined) refuseUnknownFields(schema.body);
      return result;
    },
    transformObject: (documentObject) => {
      const document = jsonSchemaTransformObject(documentObject) as Json;
      const components = document.components as Json;
      const schemas = components.schemas as Json;
      schemas[ERROR_SCHEMA] = errorSchema();
      const used = new Set<number>();
      const operationIds = new Map<string, string>();
      for (const [path, item] of Object.entries(document.paths as Json)) {
        for (const [method, operation] of Object.entries(item as Json)) {
          const key = `${method.toUpperCase()} ${path}`;
          const routeFacts = facts.get(key);
          if (!routeFacts || !isRecord(operation)) throw new Error(`${key}: no route facts for the document`);
          const seen = operationIds.get(routeFacts.operationId);
          if (seen) throw new Error(`operationId ${routeFacts.operationId} names both ${seen} and ${key}`);
          operationIds.set(routeFacts.operationId, key);
          completeOperation(operation, routeFacts);
          for (const status of errorStatuses(routeFacts)) used.add(status);
        }
      }
      components.responses = Object.fromEntries(
        [...used]
          .sort((a, b) => a - b)
          .map((status) => {
            const { name, description, examples, headers } = ERROR_RESPONSES[status];
            return [
              name,
              {
                description,
                ...(headers && { headers }),
                content: { 'application/json': { schema: errorRef, examples } },
              },
            ];
          }),
      );
      components.parameters = {
        IdempotencyKey: {
          name: IDEMPOTENCY_HEADER_NAME,
          in: 'header',
          required: false,
          description:
            'Makes a retry safe: the first request with the key runs and its answer is kept a day; the same key again gets that answer (Idempotent-Replayed: true) and changes nothing. Reused for another request: 422; while the first still runs: 409.',
          schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
        },
        Filename: {
          name: 'X-Filename',
          in: 'header',
          required: false,
          description: "The file's name, URI-encoded (encodeURIComponent); kept up to 255 characters.",
          schema: { type: 'string' },
        },
      };
      const referenced = referencedSchemas(document);
      for (const name of Object.keys(schemas)) if (!referenced.has(name)) delete schemas[name];
      return document;
    },
  });
}
