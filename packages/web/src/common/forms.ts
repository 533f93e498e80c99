import type { FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import type { NumberLimit } from './numbers';
import { fieldTexts } from './fieldText';

type FieldPath = (string | number)[];

/** True when the form has a field at this path (registered, or holding a value). */
function hasField(form: FormInstance, path: FieldPath): boolean {
  const sources = [
    form.getFieldsValue() as Record<string, unknown>,
    form.getFieldsValue(true) as Record<string, unknown>,
  ];
  return sources.some((values) => {
    let node: unknown = values;
    for (const part of path) {
      if (!node || typeof node !== 'object' || !(part in node)) return false;
      node = (node as Record<string | number, unknown>)[part];
    }
    return true;
  });
}

/** `items.0.ciIds` → ['items', 0, 'ciIds']: list indexes as numbers, as Form.List names them. */
function pathOf(key: string): FieldPath {
  return key.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Puts the server's field problems (`details.fieldProblems`, in the interface language) next to the form fields they name. Dotted keys
 * (`attributes.ip`, `external.digest`) reach nested fields. Returns true when at least one
 * landed on a field, so the caller need not repeat them in a banner.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  language: string,
  rename: Record<string, string> = {},
): boolean {
  if (!isApiError(error)) return false;
  const entries = Object.entries(fieldTexts(error, language))
    .map(([key, messages]) => [pathOf(rename[key] ?? key), messages] as const)
    .filter(([path]) => hasField(form, path));
  form.setFields(
    entries.map(([path, messages]) => ({ name: path.length === 1 ? path[0] : path, errors: messages })),
  );
  if (entries.length > 0) form.scrollToField(entries[0][0], { block: 'nearest' });
  return entries.length > 0;
}

/** Every field message of a refusal, in the interface language (for lists a form cannot point at). */
export function fieldMessages(error: unknown, language: string): string[] {
  if (!isApiError(error)) return [];
  return Object.values(fieldTexts(error, language)).flat();
}

/**
 * a number's bounds, and that it is a whole number where one is needed, as a form rule said
 * next to the field. The field is a NumberInput, which leaves the number as typed; this says why
 * it cannot be saved (−5, 1.5 or 1e9 for days to expiry) instead of changing it.
 */
export function numberRule(t: TFunction, limit: NumberLimit): Rule {
  const { min, max, integer, above = false } = limit;
  return {
    validator: (_rule, value: unknown) => {
      if (value === null || value === undefined || value === '') return Promise.resolve();
      const n = Number(value);
      if (!Number.isFinite(n)) return Promise.reject(new Error(t('common.numberInvalid')));
      if (above ? n <= min : n < min)
        return Promise.reject(new Error(t(above ? 'common.numberAbove' : 'common.numberAtLeast', { min })));
      if (n > max) return Promise.reject(new Error(t('common.numberAtMost', { max })));
      if (integer && !Number.isInteger(n)) return Promise.reject(new Error(t('common.numberInteger')));
      return Promise.resolve();
    },
  };
}
