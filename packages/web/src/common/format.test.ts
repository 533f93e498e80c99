import { describe, expect, it } from 'vitest';
import { enT, zhT } from '../i18n/testing';
import dayjs from 'dayjs';
import {
  formatDate,
  formatDateTime,
  formatDuration,
  formatMinute,
  formatTime,
  fromPickerTime,
  pickerNow,
  toPickerTime,
} from './format';

describe('formatDuration', () => {
  it('IM-3: measured durations read as seconds, minutes and seconds, hours and minutes (zh, en)', () => {
    const cases: [number, string, string][] = [
      [0, '0 秒', '0 s'],
      [41, '41 秒', '41 s'],
      [41.4, '41 秒', '41 s'],
      [59.6, '1 分 00 秒', '1 min 0 s'],
      [125, '2 分 05 秒', '2 min 5 s'],
      [0.68 * 60, '41 秒', '41 s'],
      [3599, '59 分 59 秒', '59 min 59 s'],
      [3600, '1 小时', '1 h'],
      [3780, '1 小时 3 分', '1 h 3 min'],
      [3789, '1 小时 3 分', '1 h 3 min'],
      [23 * 3600 + 59 * 60, '23 小时 59 分', '23 h 59 min'],
      [24 * 3600, '1 天', '1 d'],
      [52 * 3600 + 20 * 60, '2 天 4 小时', '2 d 4 h'],
    ];
    for (const [seconds, zhText, enText] of cases) {
      expect(formatDuration(zhT, seconds), `${seconds} s in zh`).toBe(zhText);
      expect(formatDuration(enT, seconds), `${seconds} s in en`).toBe(enText);
    }
  });

  it('IM-3: nothing measured reads as a dash; a negative span as zero', () => {
    expect(formatDuration(zhT, null)).toBe('—');
    expect(formatDuration(zhT, undefined)).toBe('—');
    expect(formatDuration(zhT, Number.NaN)).toBe('—');
    expect(formatDuration(zhT, -5)).toBe('0 秒');
  });
});

describe('times in Beijing time', () => {
  it('X-3 KP-1 a time reads in Beijing time (UTC+8) whatever the browser zone, as documents and notices say it', () => {
    // The test process runs in UTC (or any zone): 03:08 UTC is 11:08 in Beijing, on the next day near midnight.
    expect(formatMinute('2026-12-06T03:08:00.000Z')).toBe('2026-12-06 11:08');
    expect(formatDateTime('2026-12-06T03:08:09.000Z')).toBe('2026-12-06 11:08:09');
    expect(formatTime('2026-12-06T03:08:00.000Z')).toBe('11:08');
    expect(formatDate('2026-12-06T17:30:00.000Z')).toBe('2026-12-07');
    // A calendar date (a policy's effective date) is not moved by any zone.
    expect(formatDate('2026-12-06')).toBe('2026-12-06');
    expect(formatMinute(null)).toBe('');
  });
});

describe('date pickers in Beijing time', () => {
  /** Runs `check` with the process (the "browser") in another zone; Node reads TZ afresh when it changes. */
  function inZone(zone: string, check: () => void) {
    const before = process.env.TZ;
    process.env.TZ = zone;
    try {
      check();
    } finally {
      if (before === undefined) delete process.env.TZ;
      else process.env.TZ = before;
    }
  }
  // Each zone with its offset on 2026-12-06 as Date reports it (minutes behind UTC): the check that TZ took effect.
  const zones: [string, number][] = [
    ['America/New_York', 300],
    ['Europe/London', 0],
    ['Asia/Shanghai', -480],
    ['Pacific/Kiritimati', -840],
  ];

  it('X-3 a picker shows an instant at its Beijing wall-clock time in any browser zone', () => {
    for (const [zone, offset] of zones)
      inZone(zone, () => {
        expect(new Date('2026-12-06T03:08:00.000Z').getTimezoneOffset(), zone).toBe(offset);
        expect(toPickerTime('2026-12-06T03:08:00.000Z').format('YYYY-MM-DD HH:mm'), zone).toBe(
          '2026-12-06 11:08',
        );
        expect(toPickerTime('2026-12-06T17:30:00.000Z').format('YYYY-MM-DD HH:mm'), zone).toBe(
          '2026-12-07 01:30',
        );
      });
  });

  it('X-3 RB-2 what a person picks is read as Beijing time in any browser zone (11:08 picked is 03:08 UTC)', () => {
    for (const [zone] of zones)
      inZone(zone, () => {
        expect(fromPickerTime(dayjs('2026-12-06T11:08:00')), zone).toBe('2026-12-06T03:08:00.000Z');
        expect(fromPickerTime(dayjs('2026-12-07T01:30:00')), zone).toBe('2026-12-06T17:30:00.000Z');
        // A round trip changes nothing, the picker's "now" is Beijing's now.
        expect(fromPickerTime(toPickerTime('2026-07-01T23:59:59.999Z')), zone).toBe(
          '2026-07-01T23:59:59.999Z',
        );
        const now = Date.now();
        const pickedNow = Date.parse(fromPickerTime(pickerNow()));
        expect(Math.abs(pickedNow - now), zone).toBeLessThan(5_000);
      });
  });
});
