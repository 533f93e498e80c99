import dayjs from 'dayjs';
import { describe, expect, it } from 'vitest';
import { monthFromParam } from './calendarModel';

const now = dayjs('2026-11-27T10:30:00');
const month = (value: string | null | undefined) => monthFromParam(value, now).format('YYYY-MM-DD HH:mm');

describe('monthFromParam', () => {
  it('PL-5: the calendar opens the month ?month=YYYY-MM asks for, at its first day', () => {
    expect(month('2027-03')).toBe('2027-03-01 00:00');
    expect(month('2026-12')).toBe('2026-12-01 00:00');
    expect(month('2026-01')).toBe('2026-01-01 00:00');
  });

  it('PL-5: without ?month= (the sidebar link) the calendar opens the current month, not January 2001', () => {
    expect(month(null)).toBe('2026-11-01 00:00');
    expect(month(undefined)).toBe('2026-11-01 00:00');
    expect(month('')).toBe('2026-11-01 00:00');
  });

  it('PL-5: a malformed month is ignored', () => {
    for (const bad of [
      '-01',
      '2026',
      '2026-13',
      '2026-00',
      '2026-1',
      '26-11',
      '2026-11-05',
      'abc',
      '2026/11',
    ])
      expect(month(bad), bad).toBe('2026-11-01 00:00');
  });
});
