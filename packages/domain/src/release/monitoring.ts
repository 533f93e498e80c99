import type { PolicyRules } from '../policy/policy';
import type { PlanIndicator } from './plan';

/** RB-1: the four kinds of rollback trigger the policy names. */
export const TRIGGER_KINDS = ['function_unusable', 'performance', 'data', 'complaints'] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];
export const TRIGGER_SOURCES = ['person', 'metric', 'feedback'] as const;
export type TriggerSource = (typeof TRIGGER_SOURCES)[number];

export const TRIGGER_KIND_LABELS: Record<TriggerKind, { zh: string; en: string }> = {
  function_unusable: { zh: '关键功能不可用', en: 'Key function unusable' },
  performance: { zh: '性能超出阈值', en: 'Performance beyond threshold' },
  data: { zh: '数据不一致或丢失', en: 'Data inconsistency or loss' },
  complaints: { zh: '用户集中投诉', en: 'Concentrated user complaints' },
};

const COMPARATORS: Record<
  PlanIndicator['comparator'],
  { test: (v: number, t: number) => boolean; sign: string }
> = {
  gt: { test: (v, t) => v > t, sign: '>' },
  gte: { test: (v, t) => v >= t, sign: '≥' },
  lt: { test: (v, t) => v < t, sign: '<' },
  lte: { test: (v, t) => v <= t, sign: '≤' },
};

/** IM-4: the comparator says when a value is a breach ("error ratio gt 0.05" breaches at 0.06). */
export function isBreach(indicator: Pick<PlanIndicator, 'comparator' | 'threshold'>, value: number): boolean {
  return Number.isFinite(value) && COMPARATORS[indicator.comparator].test(value, indicator.threshold);
}

export function thresholdText(indicator: Pick<PlanIndicator, 'comparator' | 'threshold' | 'unit'>): string {
  return `${COMPARATORS[indicator.comparator].sign} ${indicator.threshold}${indicator.unit ? ` ${indicator.unit}` : ''}`;
}

/**
 * IM-5: the plan's error patterns flag log lines. A pattern written /like this/i is a regular
 * expression; anything else is a case-insensitive substring. Returns the first pattern matching.
 */
export function matchingErrorPattern(message: string, patterns: readonly string[]): string | null {
  const lower = message.toLowerCase();
  for (const pattern of patterns) {
    const re = /^\/(.+)\/([a-z]*)$/.exec(pattern);
    if (re) {
      try {
        if (new RegExp(re[1], re[2].includes('i') ? 'i' : '').test(message)) return pattern;
      } catch {
        // An invalid expression is refused when the plan is saved; never throw on a log line.
      }
    } else if (pattern.trim() && lower.includes(pattern.toLowerCase())) return pattern;
  }
  return null;
}

const LEVEL_WORDS: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
  trace: 'debug',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'error',
  critical: 'error',
  crit: 'error',
  severe: 'error',
};
// A level word on its own (bare, [bracketed], or followed by a colon) before the message: after
// an optional timestamp, thread or logger name, within the line's first 80 characters.
const LEVEL_TOKEN =
  /(^|[\s[(|])(trace|debug|info|notice|warn|warning|error|err|fatal|critical|crit|severe)(?=$|[\s\]):|])/gi;

/**
 * IM-5: the level a log line states, wherever its format puts it ("ERROR ORA-00060…",
 * "2026-11-26 18:13:05 ERROR …", "[warn] …", "info: …"); null when none. Lower-case words count
 * only bracketed or before a colon, so prose ("no error found") is not read as a level.
 */
export function logLevelIn(message: string): 'debug' | 'info' | 'warn' | 'error' | null {
  const head = message.slice(0, 80);
  for (const m of head.matchAll(LEVEL_TOKEN)) {
    const [, before, word] = m;
    const after = head[m.index + m[0].length] ?? '';
    const marked = before === '[' || before === '(' || before === '|' || after === ':' || after === ']';
    if (word === word.toUpperCase() || marked) return LEVEL_WORDS[word.toLowerCase()] ?? null;
  }
  return null;
}

/** A pattern that will not compile, for the plan editor's validation. */
export function invalidPattern(pattern: string): string | null {
  const re = /^\/(.+)\/([a-z]*)$/.exec(pattern);
  if (!re) return null;
  try {
    new RegExp(re[1], re[2]);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * IM-6: complaints reaching the policy's N within M minutes (a sliding window ending at `now`)
 * raise a rollback trigger.
 */
export function complaintsReachThreshold(
  complaintTimes: readonly string[],
  now: Date,
  rules: Pick<PolicyRules, 'complaintThreshold'>,
): boolean {
  const from = now.getTime() - rules.complaintThreshold.withinMinutes * 60_000;
  const within = complaintTimes.filter((t) => {
    const at = Date.parse(t);
    return at >= from && at <= now.getTime();
  });
  return within.length >= rules.complaintThreshold.count;
}

/** RB-2: the decision is due this long after discovery (policy value, 30 minutes in V1.0). */
export function decisionDueAt(discoveredAt: string, rules: Pick<PolicyRules, 'deadlines'>): string {
  return new Date(Date.parse(discoveredAt) + rules.deadlines.rollbackDecisionMinutes * 60_000).toISOString();
}

/** RB-2: when to escalate: the policy's minutes before the deadline (those still ahead), and at it. */
export function escalationTimes(
  dueAt: string,
  rules: Pick<PolicyRules, 'deadlines'>,
): { at: string; minutesBefore: number }[] {
  const due = Date.parse(dueAt);
  return [...new Set([...rules.deadlines.escalateMinutesBefore.filter((m) => m > 0), 0])]
    .sort((a, b) => b - a)
    .map((m) => ({ at: new Date(due - m * 60_000).toISOString(), minutesBefore: m }));
}

/** Minutes from discovery to decision (measured, KP-2) and whether it missed the deadline (a breach). */
export function decisionTiming(discoveredAt: string, dueAt: string, decidedAt: string) {
  return {
    minutes: Math.round((Date.parse(decidedAt) - Date.parse(discoveredAt)) / 600) / 100,
    late: Date.parse(decidedAt) > Date.parse(dueAt),
  };
}
