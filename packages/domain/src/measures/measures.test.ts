import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RELEASE_OUTCOMES, type ReleaseOutcome } from '../release/lifecycle';
import { XDYJ_06_01_V1 } from '../policy/policy';
import {
  countsInSuccessRate,
  measureRules,
  quarterMeasures,
  recordFacts,
  type OutcomeGroup,
  type ReleaseRecord,
} from './measures';
import { daysInQuarter, nextQuarter, quarterBounds, quarterOf, quartersBetween } from './quarter';
import { decimalFraction, median, meetsTarget, percentOf, ratio } from './ratio';

const noMedians = { changeLeadMinutes: null, planApprovalMinutes: null, restoreMinutes: null };

function group(outcome: ReleaseOutcome, releases: number, extra: Partial<OutcomeGroup> = {}): OutcomeGroup {
  return {
    outcome,
    type: 'normal',
    deployed: outcome !== 'cancelled' && outcome !== 'rejected',
    releases,
    rollbackDecisions: 0,
    rollbackDecisionMinutes: 0,
    lateDecisions: 0,
    cmdbDue: 0,
    cmdbOnTime: 0,
    ...extra,
  };
}

function record(overrides: Partial<ReleaseRecord> = {}): ReleaseRecord {
  return {
    releaseId: 'r1',
    number: 'REL-2026-0001',
    title: 'upgrade',
    type: 'normal',
    outcome: 'successful',
    requestedAt: '2026-01-05T01:00:00.000Z',
    planSubmittedAt: '2026-01-06T01:00:00.000Z',
    planApprovedAt: '2026-01-06T05:30:00.000Z',
    implementationStartedAt: '2026-01-10T14:00:00.000Z',
    implementationEndedAt: '2026-01-10T15:00:00.000Z',
    restoredAt: null,
    closedAt: '2026-01-12T03:00:00.000Z',
    rollbackDecisions: 0,
    rollbackDecisionMinutesTotal: 0,
    lateDecisions: 0,
    cmdbDueAt: '2026-01-11T15:00:00.000Z',
    cmdbDoneAt: '2026-01-11T10:00:00.000Z',
    changeLeadMinutes: 7200,
    ...overrides,
  };
}

describe('KP-1 success rate', () => {
  it('KP-1 19 successful and 1 rolled back is exactly 95 % and meets the 95 % target', () => {
    const m = quarterMeasures('2026-Q1', [group('successful', 19), group('rolled_back', 1)], noMedians, 95);
    expect(m.successRate).toEqual({
      numerator: 19,
      denominator: 20,
      percent: 95,
      target: 95,
      meetsTarget: true,
    });
  });

  it('KP-1 18 of 19 (94.74 %) misses the 95 % target; 0 counted has no rate and no verdict', () => {
    const m = quarterMeasures('2026-Q1', [group('successful', 18), group('failed', 1)], noMedians, 95);
    expect(m.successRate.percent).toBe(94.74);
    expect(m.successRate.meetsTarget).toBe(false);
    const empty = quarterMeasures('2026-Q1', [group('cancelled', 3)], noMedians, 95);
    expect(empty.successRate).toMatchObject({
      numerator: 0,
      denominator: 0,
      percent: null,
      meetsTarget: null,
    });
    expect(empty.closed).toBe(3);
  });

  it('KP-1 RB-6 cancelled and rejected are not counted; failed and rolled back count as unsuccessful', () => {
    expect(RELEASE_OUTCOMES.filter(countsInSuccessRate)).toEqual(['successful', 'failed', 'rolled_back']);
    const m = quarterMeasures(
      '2026-Q1',
      [
        group('successful', 3),
        group('failed', 1),
        group('rolled_back', 1),
        group('cancelled', 7),
        group('rejected', 4),
      ],
      noMedians,
      95,
    );
    expect(m.successRate).toMatchObject({ numerator: 3, denominator: 5, percent: 60 });
    expect(m.closed).toBe(16);
  });

  it('KP-1 adding cancelled or rejected releases never changes the rate (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(500),
        fc.nat(50),
        fc.nat(50),
        fc.nat(50),
        fc.nat(50),
        (ok, failed, rolledBack, cancelled, rejected) => {
          const base = [group('successful', ok), group('failed', failed), group('rolled_back', rolledBack)];
          const a = quarterMeasures('2026-Q2', base, noMedians, 95).successRate;
          const b = quarterMeasures(
            '2026-Q2',
            [...base, group('cancelled', cancelled), group('rejected', rejected)],
            noMedians,
            95,
          ).successRate;
          expect(b).toEqual(a);
        },
      ),
    );
  });

  it('KP-1 the comparison with the target is exact: meets iff 100·n ≥ target·d (property, decimal targets too)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.nat(1_000_000),
        fc.integer({ min: 0, max: 10_000 }),
        (d, n0, targetHundredths) => {
          const n = n0 % (d + 1);
          const target = targetHundredths / 100;
          // Reference in integers: n / d ≥ t / 10000  ⇔  n · 10000 ≥ t · d.
          expect(meetsTarget({ numerator: n, denominator: d }, target)).toBe(
            BigInt(n) * 10000n >= BigInt(targetHundredths) * BigInt(d),
          );
        },
      ),
    );
  });

  it('KP-1 percentages are rounded half up on integers, never drifting: 1/3 = 33.33, 2/3 = 66.67, 1/8 = 12.5', () => {
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(1, 8)).toBe(12.5);
    expect(percentOf(1, 80000)).toBe(0); // 0.00125 % rounds to 0.00
    expect(percentOf(1, 20000)).toBe(0.01); // 0.005 % rounds half up to 0.01
    expect(percentOf(1, 20001)).toBe(0); // just under half a hundredth
    expect(percentOf(0, 0)).toBeNull();
    expect(decimalFraction(99.95)).toEqual({ num: 9995n, den: 100n });
    expect(() => ratio(3, 2)).toThrow(RangeError);
  });
});

describe('KP-1 quarters in the policy time zone (Asia/Shanghai)', () => {
  it('KP-1 a release closed at 00:30 on 1 April in Shanghai (16:30Z on 31 March) is in Q2', () => {
    expect(quarterOf('2026-03-31T15:59:59.999Z')).toBe('2026-Q1');
    expect(quarterOf('2026-03-31T16:00:00.000Z')).toBe('2026-Q2');
    expect(quarterOf('2025-12-31T16:00:00.000Z')).toBe('2026-Q1');
    expect(quarterBounds('2026-Q1')).toEqual({
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-03-31T16:00:00.000Z',
    });
    expect(daysInQuarter('2024-Q1')).toBe(91); // leap year
    expect(daysInQuarter('2026-Q1')).toBe(90);
    expect(daysInQuarter('2026-Q4')).toBe(92);
  });

  it('KP-1 every instant falls in exactly the quarter whose bounds contain it (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('2000-01-01T00:00:00Z'),
          max: new Date('2099-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const q = quarterOf(d);
          const { start, end } = quarterBounds(q);
          expect(Date.parse(start) <= d.getTime() && d.getTime() < Date.parse(end)).toBe(true);
          expect(quarterBounds(nextQuarter(q)).start).toBe(end);
        },
      ),
    );
  });

  it('KP-1 quarter ranges run oldest first across years and refuse reversed or malformed ranges', () => {
    expect(quartersBetween('2025-Q3', '2026-Q2')).toEqual(['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2']);
    expect(quartersBetween('2026-Q1', '2026-Q1')).toEqual(['2026-Q1']);
    expect(() => quartersBetween('2026-Q2', '2026-Q1')).toThrow(/to: not before from/);
    expect(() => quartersBetween('2026-Q5', '2026-Q1')).toThrow(/quarter: a quarter such as 2026-Q4/);
    expect(() => quartersBetween('2000-Q1', '2026-Q1', 40)).toThrow(/to: at most 40 quarters after from/);
  });
});

describe('KP-2 measures', () => {
  it('KP-2 facts of one record: quarter, plan approval minutes, CMDB on time, restore minutes', () => {
    expect(recordFacts(record())).toEqual({
      quarter: '2026-Q1',
      deployed: true,
      planApprovalMinutes: 270,
      restoreMinutes: null,
      cmdbOnTime: true,
    });
    const late = recordFacts(record({ cmdbDoneAt: '2026-01-11T15:00:00.001Z' }));
    expect(late.cmdbOnTime).toBe(false);
    expect(recordFacts(record({ cmdbDoneAt: '2026-01-11T15:00:00.000Z' })).cmdbOnTime).toBe(true);
    expect(recordFacts(record({ cmdbDoneAt: null })).cmdbOnTime).toBe(false);
    expect(recordFacts(record({ cmdbDueAt: null, cmdbDoneAt: null })).cmdbOnTime).toBeNull();
    const rolledBack = recordFacts(
      record({ outcome: 'rolled_back', restoredAt: '2026-01-10T15:45:00.000Z', cmdbDueAt: null }),
    );
    expect(rolledBack.restoreMinutes).toBe(105);
    const cancelled = recordFacts(
      record({ outcome: 'cancelled', implementationStartedAt: null, implementationEndedAt: null }),
    );
    expect(cancelled.deployed).toBe(false);
  });

  it('KP-2 a hand-computed quarter: CMDB on time, decisions, emergency share, DORA', () => {
    const m = quarterMeasures(
      '2026-Q1',
      [
        group('successful', 6, { type: 'normal', cmdbDue: 6, cmdbOnTime: 5 }),
        group('successful', 2, { type: 'emergency', cmdbDue: 2, cmdbOnTime: 2 }),
        group('rolled_back', 1, {
          type: 'major',
          rollbackDecisions: 2,
          rollbackDecisionMinutes: 50,
          lateDecisions: 1,
        }),
        group('failed', 1, { type: 'emergency', rollbackDecisions: 1, rollbackDecisionMinutes: 10 }),
        group('cancelled', 2, { type: 'normal', deployed: false }),
      ],
      { changeLeadMinutes: 1440, planApprovalMinutes: 90.25, restoreMinutes: 75 },
      95,
    );
    expect(m.successRate).toMatchObject({ numerator: 8, denominator: 10, percent: 80, meetsTarget: false });
    expect(m.cmdbOnTimeRate).toEqual({ numerator: 7, denominator: 8, percent: 87.5 });
    expect(m.rollbackDecisions).toEqual({
      decisions: 3,
      meanMinutes: 20,
      late: 1,
      lateRate: { numerator: 1, denominator: 3, percent: 33.33 },
    });
    expect(m.emergencyShare).toEqual({ numerator: 3, denominator: 10, percent: 30 });
    expect(m.byType).toEqual({ emergency: 3, major: 1, normal: 6 });
    expect(m.planApprovalMinutesMedian).toBe(90.3);
    // 10 deployments in 90 days: 10 × 7 / 90 = 0.78 a week.
    expect(m.dora).toEqual({
      deployments: 10,
      deploymentsPerWeek: 0.78,
      leadTimeMinutesMedian: 1440,
      changeFailureRate: { numerator: 2, denominator: 10, percent: 20 },
      timeToRestoreMinutesMedian: 75,
    });
  });

  it('KP-2 median: the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('KP-1 KP-2 the rules in words carry the policy values', () => {
    const rules = measureRules(XDYJ_06_01_V1.rules);
    expect(rules.successRate.zh).toContain('≥ 95%');
    expect(rules.successRate.en).toContain('Rolled back and failed releases count as unsuccessful');
    expect(rules.cmdbOnTime.zh).toContain('24 小时');
    expect(rules.rollbackDecision.en).toContain('30 min');
    expect(rules.quarter.en).toContain('Asia/Shanghai');
  });
});
