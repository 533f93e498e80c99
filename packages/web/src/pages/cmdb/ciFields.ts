import '../../i18n/zh.cmdb';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { environmentLabel } from './CiTags';
import { useCiTypes } from './useCiTypes';

const ATTRIBUTE_PREFIX = 'attributes.';

/** The CI's own fields, in the order people read them. */
export const CI_FIELDS = [
  'type',
  'name',
  'environment',
  'owner',
  'critical',
  'version',
  'description',
  'status',
] as const;

/**
 * Names and values of CI fields for diffs and history: `attributes.ip` → "IP 地址",
 * `critical: true` → "是", `environment: production` → "生产".
 */
export function useCiFieldText() {
  const { t } = useTranslation();
  const types = useCiTypes();

  const fieldName = useCallback(
    (typeKey: string, field: string) =>
      field.startsWith(ATTRIBUTE_PREFIX)
        ? types.fieldLabel(typeKey, field.slice(ATTRIBUTE_PREFIX.length))
        : t(`cmdb.fields.${field}`, { defaultValue: field }),
    [t, types],
  );

  const value = useCallback(
    (field: string, v: unknown): string => {
      if (v === null || v === undefined || v === '') return '—';
      if (field === 'environment' && typeof v === 'string') return environmentLabel(t, v);
      if (field === 'type' && typeof v === 'string') return types.typeName(v);
      if (field === 'status' && typeof v === 'string') return t(`cmdb.statuses.${v}`, { defaultValue: v });
      if (typeof v === 'boolean') return v ? t('common.yes') : t('common.no');
      if (typeof v === 'string') return v;
      if (typeof v === 'number') return String(v);
      return JSON.stringify(v);
    },
    [t, types],
  );

  return { fieldName, value };
}

/** The fields that differ between two versions of a CI (own fields, then attributes). */
export function changedFields(
  before: unknown,
  after: unknown,
): { field: string; before: unknown; after: unknown }[] {
  const b = asRecord(before);
  const a = asRecord(after);
  const changes: { field: string; before: unknown; after: unknown }[] = [];
  for (const field of CI_FIELDS) {
    if (!(field in a) && !(field in b)) continue;
    if (JSON.stringify(b[field] ?? null) !== JSON.stringify(a[field] ?? null))
      changes.push({ field, before: b[field] ?? null, after: a[field] ?? null });
  }
  const ba = asRecord(b.attributes);
  const aa = asRecord(a.attributes);
  for (const key of [...new Set([...Object.keys(ba), ...Object.keys(aa)])].sort()) {
    if (JSON.stringify(ba[key] ?? null) !== JSON.stringify(aa[key] ?? null))
      changes.push({ field: `${ATTRIBUTE_PREFIX}${key}`, before: ba[key] ?? null, after: aa[key] ?? null });
  }
  return changes;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
