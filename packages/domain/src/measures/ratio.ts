/**
 * Exact rates. A rate is kept as the two counts it is made of; its percentage is derived with
 * integer arithmetic, and the comparison with a target never goes through a float: 19 of 20 is
 * 95 % exactly and meets a 95 % target.
 */
export interface Ratio {
  numerator: number;
  denominator: number;
  /** numerator / denominator × 100, rounded half up to two decimals; null when nothing was counted. */
  percent: number | null;
}

export function ratio(numerator: number, denominator: number): Ratio {
  assertCount(numerator);
  assertCount(denominator);
  if (numerator > denominator) throw new RangeError(`${numerator} of ${denominator} is more than all`);
  return { numerator, denominator, percent: percentOf(numerator, denominator) };
}

function assertCount(n: number) {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a count: ${n}`);
}

/** Percentage in hundredths, rounded half up, computed on integers: (n × 10000) / d. */
export function percentOf(numerator: number, denominator: number): number | null {
  if (denominator === 0) return null;
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const hundredths = (n * 20000n + d) / (2n * d);
  return Number(hundredths) / 100;
}

/**
 * A decimal target (95, 99.5, 99.95) as an exact fraction of integers. Policy targets are written
 * as decimals; their shortest decimal representation is what the author meant.
 */
export function decimalFraction(value: number): { num: bigint; den: bigint } {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const text = value.toString();
  if (/e/i.test(text)) throw new RangeError(`not a plain decimal: ${text}`);
  const [whole, fraction = ''] = text.replace('-', '').split('.');
  const sign = value < 0 ? -1n : 1n;
  return { num: sign * BigInt(whole + fraction), den: 10n ** BigInt(fraction.length) };
}

/**
 * KP-1: does the rate reach the target percentage? Exact: n / d ≥ target / 100, i.e.
 * n × 100 × den ≥ num × d. Null when nothing was counted (no rate, nothing to judge).
 */
export function meetsTarget(
  r: Pick<Ratio, 'numerator' | 'denominator'>,
  targetPercent: number,
): boolean | null {
  if (r.denominator === 0) return null;
  const { num, den } = decimalFraction(targetPercent);
  return BigInt(r.numerator) * 100n * den >= num * BigInt(r.denominator);
}

/** The median of the values (the mean of the two middle ones for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Rounds to a number of decimals for presentation (never used for a comparison with a target). */
export function round(value: number, decimals = 1): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}
