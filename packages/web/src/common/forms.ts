import type { FormInstance } from 'antd';
import { isApiError } from '../api/client';
import { localizeFieldMessage } from './serverText';

/**
 * Puts the server's `details.fields` messages next to the form fields they name. Returns true
 * when at least one landed on a field, so the caller need not repeat them in a banner.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  language: string,
  rename: Record<string, string> = {},
): boolean {
  if (!isApiError(error)) return false;
  const present = new Set(Object.keys(form.getFieldsValue(true) as Record<string, unknown>));
  const entries = Object.entries(error.fields)
    .map(([key, messages]) => [rename[key] ?? key, messages] as const)
    .filter(([name]) => present.has(name));
  form.setFields(
    entries.map(([name, messages]) => ({
      name,
      errors: messages.map((m) => localizeFieldMessage(m, language)),
    })),
  );
  return entries.length > 0;
}
