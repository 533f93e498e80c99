import { renderField, type FieldProblem, type Language } from '@releasegate/messages';
import type { ApiError } from '../api/client';

const languageOf = (language: string): Language => (language.startsWith('en') ? 'en' : 'zh');

/** What is wrong with a field, in the interface language, from its code (the catalog's `fields`). */
export const fieldProblemText = (problem: FieldProblem, language: string): string =>
  renderField(languageOf(language), problem);

/**
 * A refusal's field messages by field, in the interface language: rendered from
 * `details.fieldProblems`; a field the server named only in `details.fields` keeps its words.
 */
export function fieldTexts(error: ApiError, language: string): Record<string, string[]> {
  const problems = error.fieldProblems;
  const texts: Record<string, string[]> = {};
  for (const [key, messages] of Object.entries(error.fields))
    texts[key] = problems[key]?.length ? problems[key].map((p) => fieldProblemText(p, language)) : messages;
  for (const [key, list] of Object.entries(problems))
    texts[key] ??= list.map((p) => fieldProblemText(p, language));
  return texts;
}
