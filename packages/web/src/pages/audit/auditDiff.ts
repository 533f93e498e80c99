import { formatDateTime } from '../../common/format';

export interface FieldChangeRow {
  field: string;
  before: string;
  after: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value as a person reads it: times on the reader's clock, objects as compact JSON, nothing as —. */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'string') return ISO.test(value) ? formatDateTime(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * The fields an event changed, field by field: every top-level field whose value differs between
 * the before and after pictures (a creation lists what was set, a deletion what was removed).
 * Null when there is no picture to compare.
 */
export function fieldChanges(before: unknown, after: unknown): FieldChangeRow[] | null {
  if (!isRecord(before) && !isRecord(after)) return null;
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((f) => ({ field: f, before: valueText(b[f]), after: valueText(a[f]) }));
}
