import { en } from './catalog.en';
import type { FieldCode, FieldParamsOf, FieldProblem, GapCode, ReasonCode, RuleCode } from './catalog';

const keys = <K extends string>(o: Record<K, unknown>) => Object.keys(o) as [K, ...K[]];

/** Every code, for the API's schemas (an enum in the OpenAPI document) and the catalog's tests. */
export const RULE_CODES = keys<RuleCode>(en.rules);
export const REASON_CODES = keys<ReasonCode>(en.reasons);
export const GAP_CODES = keys<GapCode>(en.gaps);
export const FIELD_CODES = keys<FieldCode>(en.fields);

/** The rules' English names by code: what the server writes in `rule` (logs, audit, old clients). */
export const RULES: { readonly [K in RuleCode]: (typeof en.rules)[K] } = en.rules;

/**
 * Field problems by code, for a schema's message: `z.string().min(1, FIELDS.say_why)`. The message
 * a check carries is then its code; the error handler takes bounds (`min`, `max`) from the check.
 */
export const FIELDS = Object.fromEntries(FIELD_CODES.map((c) => [c, c])) as { readonly [K in FieldCode]: K };

const FIELD_CODE_SET = new Set<string>(FIELD_CODES);
export const isFieldCode = (text: string): text is FieldCode => FIELD_CODE_SET.has(text);

/** A field problem with parameters, as a service raises it: `fieldProblem('text_max', { max: 40 })`. */
export function fieldProblem<C extends FieldCode>(code: C, params?: FieldParamsOf<C>): FieldProblem {
  return { code, params: params ?? {} } as FieldProblem;
}
