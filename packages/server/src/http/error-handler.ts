import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { DomainError, isAlreadyDone, refusalText, refused, type ErrorCode } from '@releasegate/domain';
import {
  FIELDS,
  RULES,
  fieldProblemsSummary,
  languageOf,
  requirementOf,
  ruleCodeOf,
} from '@releasegate/messages';
import type { Db } from '../db/database';
import { isUniqueViolation } from '../db/errors';
import { recordStandalone, type AuditWriter } from '../modules/audit/audit.service';
import type { RefusalName } from '../modules/audit/audit.actions';
import { contextOf } from './request-context';
import { fieldDetails, fieldSummary, issueDetails, type FieldEntry } from './field-problems';
import { refusedEntity } from './refusal-entity';
import { VALID_TEXT_RULE } from './text-input';
import { UPLOAD_CONTENT_TYPE } from './uploads';
import type { BodyTimeoutError } from './timeouts';
import type { UnknownFieldIssue } from './strict-input';

const STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  locked: 423,
  policy_violation: 422,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

/** Codes the HTTP layer answers with besides the domain's: framing refusals and server failures. */
const HTTP_STATUS = { unsupported_media_type: 415, request_timeout: 408, internal_error: 500 } as const;

/** Every code an error answer can carry (the OpenAPI document's enum, http/openapi.ts). */
export type ResponseErrorCode = ErrorCode | keyof typeof HTTP_STATUS;

/** The HTTP status of each error code. */
export const ERROR_STATUS: Readonly<Record<ResponseErrorCode, number>> = { ...STATUS, ...HTTP_STATUS };

export const RESPONSE_ERROR_CODES = Object.keys(ERROR_STATUS) as readonly ResponseErrorCode[];

/** Refusals that belong on the audit trail (failed sign-ins are recorded by the sign-in itself). */
const AUDITED_REFUSALS = new Set<ErrorCode>(['forbidden', 'policy_violation', 'invalid_transition']);

/**
 * A unique key another writer inserted first, which the service's own check could not see yet
 * (two nodes creating the same CI, type or endpoint at the same moment): a conflict, not a 500.
 */
const DUPLICATE = refused('conflict', { code: 'duplicate_created', params: {} }, { reason: 'duplicate' });

/**
 * A caller who lost the race for a one-shot action (or repeated it) tried and was refused: that
 * is on the record too, next to the winner's success (docs/decisions/0011). Other conflicts are
 * not: a key taken first — found by the service's check or, in a race, by the constraint — is
 * answered the same way either way, unrecorded like before; a stale external state is recorded
 * by its own service.
 */
const audited = (error: DomainError) => AUDITED_REFUSALS.has(error.code) || isAlreadyDone(error);

export interface ErrorBody {
  error: { code: ResponseErrorCode; message: string; details?: unknown };
}

/** A body with fields its route does not know (http/strict-input.ts). */
const hasUnknownFields = (
  error: unknown,
): error is Error & { validation: UnknownFieldIssue[]; validationContext?: string } =>
  typeof error === 'object' &&
  error !== null &&
  Array.isArray((error as { validation?: unknown }).validation) &&
  (error as { validation: { keyword?: unknown }[] }).validation.every(
    (v) => v.keyword === 'unrecognized_keys',
  );

/**
 * Every answer naming a rule the catalog knows also names it as a code, with its requirement on
 * its own, so a client never parses the English (`details.rule` stays for logs and old clients).
 */
function withRuleCode(body: ErrorBody): ErrorBody {
  const details = body.error.details;
  if (typeof details !== 'object' || details === null || Array.isArray(details)) return body;
  const rule = (details as { rule?: unknown }).rule;
  const code = typeof rule === 'string' ? ruleCodeOf(rule) : undefined;
  if (!code) return body;
  return {
    error: { ...body.error, details: { ...details, ruleCode: code, requirement: requirementOf(code) } },
  };
}

function send(reply: FastifyReply, status: number, body: ErrorBody) {
  return reply.status(status).send(withRuleCode(body));
}

/**
 * The details of a refusal that carries its reasons as codes, with those codes (`reasons`), unless
 * it lists them already as the lifecycle's blockers.
 */
function codedDetails(error: DomainError): unknown {
  const details = withFieldProblems(error.details);
  if (!error.reasons?.length || typeof details !== 'object' || details === null || 'blockers' in details)
    return details;
  return {
    ...details,
    reasons: error.reasons.map((r) => ({
      ...(r.code ? { ruleCode: r.code, requirement: requirementOf(r.code) } : {}),
      reasonCode: r.reasonCode,
      params: r.params,
    })),
  };
}

/** A refusal's `details.fields` (codes or problems from the service) as field details. */
function withFieldProblems(details: unknown): unknown {
  if (typeof details !== 'object' || details === null || !('fields' in details)) return details;
  const fields = details.fields;
  if (typeof fields !== 'object' || fields === null) return details;
  return { ...details, ...fieldDetails(fields as Record<string, FieldEntry[]>) };
}

/**
 * One error handler for the whole API: domain errors map to their status, validation errors
 * name each field, and a 5xx never shows its internals — only the request id to quote.
 */
export function registerErrorHandler(app: FastifyInstance, deps: { db: Db; audit: AuditWriter }): void {
  app.setErrorHandler(
    async (thrown: FastifyError | DomainError | Error, request: FastifyRequest, reply: FastifyReply) => {
      let error = thrown;
      if (isUniqueViolation(thrown)) {
        request.log.warn({ err: thrown }, 'a unique key was taken meanwhile: answered 409');
        error = DUPLICATE;
      }
      if (error instanceof DomainError) {
        // A sign-in records its own refusals, with the reason the answer does not tell.
        if (audited(error) && request.routeOptions.config.action !== 'identity.login') {
          try {
            await recordStandalone(deps.db, deps.audit, contextOf(request), {
              action:
                request.routeOptions.config.action ??
                (`${request.method} ${request.routeOptions.url ?? request.url}` as RefusalName),
              // PR-3: the refusal names the object it concerns, as a success of the action would.
              ...(await refusedEntity(deps.db, request)),
              outcome: 'denied',
              details: { code: error.code, message: error.message, details: error.details },
            });
          } catch (auditError) {
            request.log.error({ err: auditError }, 'could not record a refusal in the audit log');
          }
        }
        const details = codedDetails(error);
        return send(reply, STATUS[error.code], {
          error: {
            code: error.code,
            message: refusalText(error, languageOf(request.headers['accept-language'])),
            details,
          },
        });
      }
      if (hasZodFastifySchemaValidationErrors(error) || hasUnknownFields(error)) {
        const details = issueDetails(error.validation);
        const language = languageOf(request.headers['accept-language']);
        return send(reply, 400, {
          error: {
            code: 'invalid_input',
            message:
              language === 'en'
                ? `Invalid ${error.validationContext ?? 'input'}: ${fieldSummary(details.fields)}`
                : fieldProblemsSummary(details.fieldProblems, language),
            details,
          },
        });
      }
      const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
      if (status < 500) {
        const refusal = protocolRefusal(error, request);
        if (refusal) return send(reply, refusal.status, refusal.body);
        const code =
          status === 404
            ? 'not_found'
            : status === 401
              ? 'unauthenticated'
              : status === 403
                ? 'forbidden'
                : status === 409
                  ? 'conflict'
                  : 'invalid_input';
        return send(reply, status, { error: { code, message: error.message } });
      }
      request.log.error({ err: error }, 'request failed');
      return send(reply, 500, {
        error: {
          code: 'internal_error',
          message: 'Internal server error; quote the request id to the administrator',
          details: { requestId: request.id },
        },
      });
    },
  );
}

/** What a route's body must be: a JSON document, or (upload routes) the file's raw bytes. */
function expectedContentType(request: FastifyRequest): string {
  return request.routeOptions.config.upload ? UPLOAD_CONTENT_TYPE : 'application/json';
}

/**
 * Fastify's own refusals of a request's framing — wrong content type, body too large or not as
 * long as announced, a body that is not JSON — in the one error shape, each naming its rule and
 * what was expected, so a client can correct the request without reading server code.
 */
function protocolRefusal(
  error: FastifyError | Error,
  request: FastifyRequest,
): { status: number; body: ErrorBody } | null {
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  switch (code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': {
      const expected = expectedContentType(request);
      const received = request.headers['content-type'] ?? null;
      return {
        status: 415,
        body: {
          error: {
            code: 'unsupported_media_type',
            message: `This route takes a body of Content-Type ${expected}${received ? `, not ${received}` : ' (none was given)'}`,
            details: { rule: RULES.content_type, expected, received },
          },
        },
      };
    }
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const maxBytes = request.routeOptions.bodyLimit;
      return {
        status: 413,
        body: {
          error: {
            code: 'too_large',
            message: `The request body is larger than the limit of ${maxBytes} bytes`,
            details: { rule: RULES.request_body_size_limit, maxBytes },
          },
        },
      };
    }
    case 'RG_BODY_TIMEOUT': {
      const seconds = (error as BodyTimeoutError).seconds;
      return {
        status: 408,
        body: {
          error: {
            code: 'request_timeout',
            message: error.message,
            details: { rule: RULES.http_body_timeout, seconds },
          },
        },
      };
    }
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return {
        status: 400,
        body: {
          error: {
            code: 'invalid_input',
            message: `${error.message}; send ${expectedContentType(request)}`,
            details: { rule: RULES.content_type, expected: expectedContentType(request), reason: code },
          },
        },
      };
    default:
      return null;
  }
}

/**
 * Errors Fastify raises before a route is found: a path that is not percent-encoded UTF-8
 * (`/api/changes/%FF`) or a path parameter longer than the router takes. Same shape as the rest.
 */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [status, body]: [number, ErrorBody] =
    error.code === 'FST_ERR_BAD_URL'
      ? [
          400,
          {
            error: {
              code: 'invalid_input',
              message: 'Invalid url: path: must be percent-encoded UTF-8',
              details: {
                rule: VALID_TEXT_RULE,
                reason: 'invalid_percent_encoding',
                ...fieldDetails({ path: [FIELDS.percent_encoding] }),
              },
            },
          },
        ]
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? [
            414,
            {
              error: {
                code: 'too_large',
                message: `A path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
                details: { rule: RULES.path_parameter_length, maxLength: MAX_PARAM_LENGTH },
              },
            },
          ]
        : [
            500,
            {
              error: {
                code: 'internal_error',
                message: 'Internal server error; quote the request id to the administrator',
                details: { requestId: request.id },
              },
            },
          ];
  void send(reply, status, body);
}

/** Fastify's router limit on one path parameter (its default); ids and keys are far shorter. */
export const MAX_PARAM_LENGTH = 100;
