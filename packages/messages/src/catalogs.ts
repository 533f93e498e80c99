import { en } from './catalog.en';
import { zh } from './catalog.zh';
import type { Catalog, FieldProblem, Reason, RuleCode } from './catalog';
import { rendererOf, type Language, type Lookup, type Renderer } from './render';

/**
 * Rendering straight from the catalogs (the server, and the web's field messages). A module apart
 * from render.ts so that code which renders through i18next (the web app's first download) does
 * not carry both catalogs along.
 */
export const CATALOGS: Record<Language, Catalog> = { zh, en };

/** A catalog as a Lookup. */
export function catalogLookup(language: Language): Lookup {
  const catalog = CATALOGS[language] as unknown as Record<string, unknown>;
  return (path) => {
    let node: unknown = catalog;
    for (const part of path.split('.')) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return typeof node === 'string' ? node : undefined;
  };
}

const RENDERERS: Record<Language, Renderer> = {
  zh: rendererOf(catalogLookup('zh')),
  en: rendererOf(catalogLookup('en')),
};

/** A reason in words. */
export const renderReason = (language: Language, reason: Reason): string =>
  RENDERERS[language].reason(reason);

/** What is wrong with a field, in words. */
export const renderField = (language: Language, problem: FieldProblem): string =>
  RENDERERS[language].field(problem);

/** Field problems on one line, for a refusal's message: `title: required; items.0.ciIds: …`. */
export function fieldProblemsSummary(
  fields: Readonly<Record<string, readonly FieldProblem[]>>,
  language: Language = 'en',
): string {
  const [colon, comma, semicolon] = language === 'zh' ? ['：', '，', '；'] : [': ', ', ', '; '];
  return Object.entries(fields)
    .map(([key, problems]) => `${key}${colon}${problems.map((p) => renderField(language, p)).join(comma)}`)
    .join(semicolon);
}

/** A rule's name in words: "RB-2 由有权人员作出回退决策". */
export const ruleName = (language: Language, code: RuleCode): string => RENDERERS[language].rule(code);
