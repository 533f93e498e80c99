import dayjs, { type Dayjs } from 'dayjs';

/**
 * Quarters as the server counts them: `YYYY-Qn` on the Asia/Shanghai calendar (UTC+8 all year).
 * The page only needs to name the current quarter and move between quarters; the server decides
 * which releases belong to which.
 */
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

export function currentQuarter(now = new Date()): string {
  const local = new Date(now.getTime() + SHANGHAI_OFFSET_MS);
  return `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
}

function parts(quarter: string): { year: number; q: number } {
  const [year, q] = quarter.split('-Q').map(Number);
  return { year, q };
}

/** The quarter `n` quarters after (or before, for negative n) the given one. */
export function shiftQuarter(quarter: string, n: number): string {
  const { year, q } = parts(quarter);
  const index = year * 4 + (q - 1) + n;
  return `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;
}

/** A quarter as the first day of it, for the quarter picker. */
export function quarterToDay(quarter: string): Dayjs {
  const { year, q } = parts(quarter);
  return dayjs(new Date(year, (q - 1) * 3, 1));
}

export function dayToQuarter(day: Dayjs): string {
  return `${day.year()}-Q${Math.floor(day.month() / 3) + 1}`;
}
