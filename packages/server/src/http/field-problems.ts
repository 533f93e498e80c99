import { isFieldCode, renderField, type FieldCode, type FieldProblem } from '@releasegate/messages';

/**
 * Field errors as codes (issue #14): every 400 that names fields answers `details.fields` (the
 * English, for people reading the JSON and older clients) and `details.fieldProblems` (codes and
 * parameters, which clients render in their language from the same catalog).
 */

/** What a service or a schema says about one field: a code (`FIELDS.say_why`), or a code with parameters. */
export type FieldEntry = string | FieldProblem;

export interface FieldDetails {
  fields: Record<string, string[]>;
  fieldProblems: Record<string, FieldProblem[]>;
}

/** A validation issue as fastify-type-provider-zod (and strict-input.ts) hand it over. */
export interface ValidationIssue {
  keyword?: string;
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
}

const asNumber = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined);

/** The bounds a check carries (zod's `minimum`/`maximum`), for templates such as `at most {{max}}`. */
function boundsOf(params: Record<string, unknown>): Record<string, number> {
  const bounds: Record<string, number> = {};
  const min = asNumber(params.minimum);
  const max = asNumber(params.maximum);
  if (min !== undefined) bounds.min = min;
  if (max !== undefined) bounds.max = max;
  return bounds;
}

const TYPE_CODES: Record<string, FieldCode> = {
  string: 'must_be_text',
  number: 'must_be_number',
  int: 'integer',
  boolean: 'must_be_boolean',
  array: 'must_be_list',
  object: 'must_be_object',
};

const FORMAT_CODES: Record<string, FieldCode> = {
  email: 'email',
  url: 'absolute_url',
  datetime: 'iso_time',
  date: 'must_be_date',
};

/** One zod issue as a field problem: the schema's own code if it named one, else zod's check. */
export function problemOfIssue(issue: ValidationIssue): FieldProblem {
  const params = issue.params ?? {};
  const bounds = boundsOf(params);
  const coded = (code: FieldCode, extra: Record<string, unknown> = {}) =>
    ({ code, params: { ...bounds, ...extra } }) as FieldProblem;
  if (issue.message && isFieldCode(issue.message)) return coded(issue.message);
  const origin = typeof params.origin === 'string' ? params.origin : '';
  const inclusive = params.inclusive !== false;
  switch (issue.keyword ?? '') {
    case 'too_small':
      if (origin === 'string') return bounds.min === 1 ? coded('required') : coded('text_min');
      if (origin === 'array' || origin === 'set') return coded('items_min');
      return coded(inclusive ? 'number_min' : 'number_above');
    case 'too_big':
      if (origin === 'string') return coded('text_max');
      if (origin === 'array' || origin === 'set') return coded('items_max');
      return coded(inclusive ? 'number_max' : 'number_below');
    case 'invalid_type':
      if (/received undefined$/.test(issue.message ?? '')) return coded('required');
      return coded(TYPE_CODES[String(params.expected)] ?? 'invalid');
    case 'invalid_value':
      return coded('one_of', { values: Array.isArray(params.values) ? params.values.map(String) : [] });
    case 'invalid_format':
      return coded(FORMAT_CODES[String(params.format)] ?? 'invalid');
    case 'unrecognized_keys':
      return coded('unknown_field');
    default:
      return coded('invalid');
  }
}

/** A field's key from a validation issue's path: `plan.steps.0.title`, or `_` for the whole input. */
export const fieldKeyOf = (issue: ValidationIssue) =>
  (issue.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || '_';

/**
 * An object keyed by field names the caller chose: without a prototype, so a field named
 * `constructor` or `__proto__` is a field like any other (the fuzz test sends them).
 */
const byField = <T>() => Object.create(null) as Record<string, T[]>;

/** Validation issues as field details. */
export function issueDetails(issues: readonly ValidationIssue[]): FieldDetails {
  const problems = byField<FieldProblem>();
  for (const issue of issues) (problems[fieldKeyOf(issue)] ??= []).push(problemOfIssue(issue));
  return fieldDetails(problems);
}

/**
 * What a service says about fields (`{ reason: [FIELDS.say_why] }`) as field details. A plain text
 * that is not a code (a message from before codes) stays as written in English and reads as
 * `invalid` elsewhere.
 */
export function fieldDetails(
  entries: Readonly<Record<string, FieldEntry | readonly FieldEntry[]>>,
): FieldDetails {
  const fields = byField<string>();
  const fieldProblems = byField<FieldProblem>();
  for (const [key, value] of Object.entries(entries)) {
    for (const entry of Array.isArray(value) ? (value as readonly FieldEntry[]) : [value as FieldEntry]) {
      const problem: FieldProblem =
        typeof entry !== 'string'
          ? entry
          : isFieldCode(entry)
            ? ({ code: entry, params: {} } as FieldProblem)
            : { code: 'invalid', params: {} };
      (fields[key] ??= []).push(
        typeof entry === 'string' && !isFieldCode(entry) ? entry : renderField('en', problem),
      );
      (fieldProblems[key] ??= []).push(problem);
    }
  }
  return { fields, fieldProblems };
}

/** Field details as one line: `title: required; window.end: after the start`. */
export const fieldSummary = (fields: Record<string, string[]>) =>
  Object.entries(fields)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
