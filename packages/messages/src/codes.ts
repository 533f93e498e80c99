import { en } from './catalog.en';
import type { GapCode, ReasonCode, RuleCode } from './catalog';

const keys = <K extends string>(o: Record<K, unknown>) => Object.keys(o) as [K, ...K[]];

/** Every code, for the API's schemas (an enum in the OpenAPI document) and the catalog's tests. */
export const RULE_CODES = keys<RuleCode>(en.rules);
export const REASON_CODES = keys<ReasonCode>(en.reasons);
export const GAP_CODES = keys<GapCode>(en.gaps);

/** The rules' English names by code: what the server writes in `rule` (logs, audit, old clients). */
export const RULES: { readonly [K in RuleCode]: (typeof en.rules)[K] } = en.rules;
