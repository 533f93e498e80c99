import { describe, expect, it } from 'vitest';
import { fieldChanges, valueText } from './auditDiff';

describe('audit event pictures compared field by field', () => {
  it('PR-3 lists only the fields that changed, times on the reader clock', () => {
    const rows = fieldChanges(
      { name: '网银', version: '2.0', updatedAt: '2026-11-26T02:00:00.000Z', owner: null },
      { name: '网银', version: '2.1', updatedAt: '2026-11-26T03:00:00.000Z', owner: '张工' },
    );
    expect(rows?.map((r) => r.field)).toEqual(['version', 'updatedAt', 'owner']);
    expect(rows?.[0]).toEqual({ field: 'version', before: '2.0', after: '2.1' });
    expect(rows?.[1].after).toBe(valueText('2026-11-26T03:00:00.000Z'));
    expect(rows?.[1].after).not.toContain('T03:00');
    expect(rows?.[2]).toEqual({ field: 'owner', before: '—', after: '张工' });
  });

  it('PR-3 a creation lists what was set; no pictures, nothing to compare', () => {
    expect(fieldChanges(null, { type: 'major', tags: ['a'] })).toEqual([
      { field: 'type', before: '—', after: 'major' },
      { field: 'tags', before: '—', after: '["a"]' },
    ]);
    expect(fieldChanges(null, null)).toBeNull();
  });
});
