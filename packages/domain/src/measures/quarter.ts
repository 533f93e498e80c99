import { FIELDS, fieldProblem } from '@releasegate/messages';
import { invalidFields } from '../errors';

/**
 * KP-1: measures are counted per calendar quarter in the policy's time zone, Asia/Shanghai
 * (UTC+08:00 all year: China has kept no daylight saving time since 1991). A release belongs to
 * the quarter in which it was closed, read on a Shanghai wall clock: a release closed at
 * 2026-03-31T16:30Z (00:30 on 1 April in Shanghai) belongs to 2026-Q2.
 */
export const MEASURES_TIME_ZONE = 'Asia/Shanghai';
const OFFSET_MS = 8 * 60 * 60 * 1000;

/** A quarter as `YYYY-Qn`, e.g. `2026-Q4`. */
export type Quarter = `${number}-Q${1 | 2 | 3 | 4}`;

const QUARTER = /^(\d{4})-Q([1-4])$/;

export function isQuarter(text: string): text is Quarter {
  return QUARTER.test(text);
}

export function parseQuarter(text: string): { year: number; q: 1 | 2 | 3 | 4 } {
  const m = QUARTER.exec(text);
  if (!m)
    throw invalidFields({ quarter: [FIELDS.quarter] });
  return { year: Number(m[1]), q: Number(m[2]) as 1 | 2 | 3 | 4 };
}

export function formatQuarter(year: number, q: number): Quarter {
  return `${String(year).padStart(4, '0')}-Q${q}` as Quarter;
}

/** The quarter an instant falls in, on the policy's (Shanghai) calendar. */
export function quarterOf(instant: string | Date): Quarter {
  const t = (typeof instant === 'string' ? new Date(instant) : instant).getTime();
  if (Number.isNaN(t)) throw invalidFields({ at: [FIELDS.iso_time] });
  const local = new Date(t + OFFSET_MS);
  return formatQuarter(local.getUTCFullYear(), Math.floor(local.getUTCMonth() / 3) + 1);
}

/**
 * The quarter's first instant and the next quarter's first instant (exclusive), as ISO-8601 UTC:
 * 2026-Q1 is [2025-12-31T16:00:00.000Z, 2026-03-31T16:00:00.000Z).
 */
export function quarterBounds(quarter: string): { start: string; end: string } {
  const { year, q } = parseQuarter(quarter);
  const start = Date.UTC(year, (q - 1) * 3, 1) - OFFSET_MS;
  const end = Date.UTC(year, q * 3, 1) - OFFSET_MS;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** Calendar days in the quarter (90 to 92). */
export function daysInQuarter(quarter: string): number {
  const { start, end } = quarterBounds(quarter);
  return Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000);
}

export function nextQuarter(quarter: string): Quarter {
  const { year, q } = parseQuarter(quarter);
  return q === 4 ? formatQuarter(year + 1, 1) : formatQuarter(year, q + 1);
}

/** Quarters from `from` to `to`, both included, oldest first. */
export function quartersBetween(from: string, to: string, max = 400): Quarter[] {
  const first = parseQuarter(from);
  parseQuarter(to);
  if (from > to)
    throw invalidFields({ to: [FIELDS.not_before_from] });
  const result: Quarter[] = [];
  for (let q = formatQuarter(first.year, first.q); q <= to; q = nextQuarter(q)) {
    result.push(q);
    if (result.length > max)
      throw invalidFields({ to: [fieldProblem('quarters_max', { max })] });
  }
  return result;
}
