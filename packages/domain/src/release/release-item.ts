import { RULES, fieldProblem, type FieldProblem } from '@releasegate/messages';
import { invalidFields } from '../errors';

/**
 * PR-6: what a release delivers. Software is an approved version of the definitive software
 * library (DS-2); hardware, documents and services are described. Each item names the CIs it changes.
 */
export const RELEASE_ITEM_KINDS = ['software', 'hardware', 'document', 'service'] as const;
export type ReleaseItemKind = (typeof RELEASE_ITEM_KINDS)[number];

export interface ReleaseItem {
  kind: ReleaseItemKind;
  title: string;
  /** Software only: the DSL version delivered. */
  dslVersionId?: string | null;
  description?: string | null;
  /** The configuration items this item changes (at least one). */
  ciIds: string[];
}

export interface ItemProblem {
  index: number;
  field: string;
  problem: FieldProblem;
}

/**
 * Checks release items against the rules of PR-6 and DS-2. `dslStateOf` tells the state of a DSL
 * version (undefined when it does not exist); `ciExists` whether a CI exists and is active.
 */
export function checkReleaseItems(
  items: readonly ReleaseItem[],
  dslStateOf: (id: string) => string | undefined,
  ciExists: (id: string) => boolean,
): ItemProblem[] {
  const problems: ItemProblem[] = [];
  items.forEach((item, index) => {
    if (item.kind === 'software') {
      if (!item.dslVersionId)
        problems.push({ index, field: 'dslVersionId', problem: fieldProblem('software_item_needs_version') });
      else {
        const state = dslStateOf(item.dslVersionId);
        if (state === undefined)
          problems.push({
            index,
            field: 'dslVersionId',
            problem: fieldProblem('dsl_version_missing', { id: item.dslVersionId }),
          });
        else if (state !== 'approved')
          problems.push({
            index,
            field: 'dslVersionId',
            problem: fieldProblem('dsl_version_not_approved', { id: item.dslVersionId, state }),
          });
      }
    } else if (item.dslVersionId) {
      problems.push({
        index,
        field: 'dslVersionId',
        problem: fieldProblem('only_software_names_version', { kind: item.kind }),
      });
    }
    if (item.ciIds.length === 0)
      problems.push({ index, field: 'ciIds', problem: fieldProblem('item_needs_cis') });
    for (const id of item.ciIds)
      if (!ciExists(id))
        problems.push({
          index,
          field: 'ciIds',
          problem: fieldProblem('ci_missing', { id }),
        });
  });
  return problems;
}

export function assertReleaseItems(...args: Parameters<typeof checkReleaseItems>): void {
  const problems = checkReleaseItems(...args);
  if (problems.length > 0) {
    const fields: Record<string, FieldProblem[]> = {};
    for (const p of problems) (fields[`items.${p.index}.${p.field}`] ??= []).push(p.problem);
    throw invalidFields(fields, { rule: RULES.release_items, problems }, 'policy_violation');
  }
}
