import { FIELDS, RULES } from '@releasegate/messages';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ZodType } from 'zod';

/** The rule a body field the route does not know is refused under (one contract, issue #14). */
export const UNKNOWN_FIELD_RULE = RULES.unknown_fields_refused;

/** One refused field, in the shape of a validation error (fields named by their path). */
export interface UnknownFieldIssue {
  keyword: 'unrecognized_keys';
  instancePath: string;
  message: string;
}

/** Deeper than any body a route defines field by field. */
const MAX_FIELD_DEPTH = 32;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/**
 * The paths of the input's fields that the parsed value does not have: fields the schema does not
 * know, which Zod would drop without a word (`post_deployment` for `postDeployment` lost a plan
 * section). A field the schema turns into something else keeps its name, so it is not reported.
 */
export function unknownFieldPaths(input: unknown, parsed: unknown, path: string[] = []): string[][] {
  // Below this depth a value is free-form data the schema took whole (a JSON attribute): there
  // are no field names to check, and walking thousands of nested arrays would exhaust the stack.
  if (path.length > MAX_FIELD_DEPTH) return [];
  if (Array.isArray(input) && Array.isArray(parsed))
    return input.flatMap((item, i) => unknownFieldPaths(item, parsed[i], [...path, String(i)]));
  if (!isRecord(input) || !isRecord(parsed)) return [];
  return Object.keys(input).flatMap((key) =>
    Object.hasOwn(parsed, key)
      ? unknownFieldPaths(input[key], parsed[key], [...path, key])
      : input[key] === undefined
        ? []
        : [[...path, key]],
  );
}

/**
 * Zod's validation, and for bodies one more rule: a field the route does not know is refused with
 * 400 naming it, instead of being dropped.
 */
export const strictValidatorCompiler: FastifySchemaCompiler<ZodType> = (route) => {
  const validate = validatorCompiler(route);
  if (route.httpPart !== 'body') return validate;
  return (data) => {
    const result = validate(data) as { error?: Error | FastifySchemaValidationError[]; value?: unknown };
    if (result.error) return result;
    const unknown = unknownFieldPaths(data, result.value);
    if (unknown.length === 0) return result;
    const issues: (UnknownFieldIssue & FastifySchemaValidationError)[] = unknown.map((path) => ({
      keyword: 'unrecognized_keys',
      instancePath: `/${path.join('/')}`,
      schemaPath: '#/additionalProperties',
      params: {},
      message: FIELDS.unknown_field,
    }));
    return { error: issues };
  };
};
