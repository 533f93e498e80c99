export { en } from './catalog.en';
export { zh } from './catalog.zh';
export type {
  Catalog,
  FieldCode,
  FieldParamsOf,
  FieldProblem,
  GapCode,
  GapParam,
  ParamsOf,
  ParamValue,
  Reason,
  ReasonCode,
  RuleCode,
  Thing,
  Vocabulary,
} from './catalog';
export {
  CATALOGS,
  catalogLookup,
  fieldProblemsSummary,
  renderField,
  renderReason,
  ruleName,
} from './catalogs';
export {
  beijingMinute,
  languageOf,
  rendererOf,
  requirementOf,
  ruleCodeOf,
  type Language,
  type Lookup,
  type RenderOptions,
  type Renderer,
} from './render';
export {
  FIELD_CODES,
  FIELDS,
  GAP_CODES,
  REASON_CODES,
  RULE_CODES,
  RULES,
  fieldProblem,
  isFieldCode,
} from './codes';
