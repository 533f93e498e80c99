import type { FieldCode, FieldProblem } from '@releasegate/messages';
import { fieldProblemText } from '../../../common/fieldText';

export interface ImportTextHelpers {
  typeName: (key: string) => string;
  environmentName: (key: string) => string;
}

/**
 * An import problem in the interface language, from its code; CI types and environments by the
 * names this page shows for them rather than their keys.
 */
export function importProblemText(
  problem: { code: FieldCode; params: Record<string, unknown> },
  language: string,
  helpers: ImportTextHelpers,
): string {
  const params: Record<string, unknown> = { ...problem.params };
  if (!language.startsWith('en')) {
    if (typeof params.type === 'string') params.type = helpers.typeName(params.type);
    if (typeof params.environment === 'string')
      params.environment = helpers.environmentName(params.environment);
  }
  return fieldProblemText({ code: problem.code, params } as FieldProblem, language);
}
