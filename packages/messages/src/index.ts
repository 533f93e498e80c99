export { en } from './catalog.en';
export { zh } from './catalog.zh';
export type {
  Catalog,
  GapCode,
  GapParam,
  ParamsOf,
  ParamValue,
  Reason,
  ReasonCode,
  RuleCode,
  Vocabulary,
} from './catalog';
export {
  CATALOGS,
  beijingMinute,
  catalogLookup,
  languageOf,
  renderReason,
  rendererOf,
  requirementOf,
  ruleCodeOf,
  ruleName,
  type Language,
  type Lookup,
  type RenderOptions,
  type Renderer,
} from './render';
export { GAP_CODES, REASON_CODES, RULE_CODES, RULES } from './codes';
