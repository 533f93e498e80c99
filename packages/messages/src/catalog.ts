import type { en } from './catalog.en';

/** The shape every language's catalog has: the English catalog's keys, any text. */
type Texts<T> = { readonly [K in keyof T]: T[K] extends string ? string : Texts<T[K]> };
export type Catalog = Texts<typeof en>;

export type RuleCode = keyof typeof en.rules;
export type ReasonCode = keyof typeof en.reasons;
export type GapCode = keyof typeof en.gaps;
export type FieldCode = keyof typeof en.fields;
export type Vocabulary = keyof typeof en.words;
/** What a refusal can name by its id (`not_found`). */
export type Thing = keyof typeof en.words.thing;

/** The names of the parameters a template uses: `{{a}} of {{b, list}}` → 'a' | 'b'. */
type ParamNames<S extends string> = S extends `${string}{{${infer Inside}}}${infer Rest}`
  ? (Inside extends `${infer Name},${string}` ? Name : Inside) | ParamNames<Rest>
  : never;

/** A reason one plan section is incomplete. */
export interface GapParam {
  section: keyof typeof en.words.planSection;
  code: GapCode;
}

export type ParamValue =
  | string
  | number
  | readonly string[]
  | readonly GapParam[]
  | readonly Reason[]
  /** Field problems (`{{problems, fields}}`), rendered from `fields`. */
  | readonly FieldProblem[];

/** The parameters a reason's template needs, by name (derived from the English template). */
export type ParamsOf<C extends ReasonCode> = { [P in ParamNames<(typeof en.reasons)[C]>]: ParamValue };

/** Why, as data: a code and its parameters, which the catalog renders in either language. */
export type Reason<C extends ReasonCode = ReasonCode> = C extends ReasonCode
  ? { code: C; params: ParamsOf<C> }
  : never;

/** The parameters a field problem's template needs (derived from the English template). */
export type FieldParamsOf<C extends FieldCode> = { [P in ParamNames<(typeof en.fields)[C]>]: ParamValue };

/** What is wrong with one field, as data: a code and its parameters. */
export type FieldProblem<C extends FieldCode = FieldCode> = C extends FieldCode
  ? { code: C; params: FieldParamsOf<C> }
  : never;
