import { describe, expect, it } from 'vitest';
import { XDYJ_06_01_V1 } from '../policy/policy';
import { actorWithRoles } from './action-permissions';
import { blockersOf, type Actor, type ReleaseFacts } from './lifecycle';
import { assertStepMayStart, progressOf, stepAtHand, type StepRun } from './execution';
import {
  complaintsReachThreshold,
  decisionDueAt,
  decisionTiming,
  escalationTimes,
  isBreach,
  matchingErrorPattern,
} from './monitoring';

const steps = ['停止服务', '部署新版本', '启动服务'].map((title) => ({
  title,
  owner: '张工',
  expectedMinutes: 10,
  verification: 'ok',
}));
const run = (stepIndex: number, status: StepRun['status'], startedAt = '2026-02-01T15:00:00Z'): StepRun => ({
  phase: 'implementation',
  stepIndex,
  status,
  startedAt,
  finishedAt: status === 'running' ? null : '2026-02-01T15:05:00Z',
});
const rules = XDYJ_06_01_V1.rules;

describe('IM-2 RB-3 step order', () => {
  it('IM-2 a step starts only after every earlier step succeeded, never beside a running one', () => {
    expect(() => assertStepMayStart('implementation', steps, [], 0)).not.toThrow();
    expect(() => assertStepMayStart('implementation', steps, [], 1)).toThrow(/cannot start before step 1/);
    expect(() => assertStepMayStart('implementation', steps, [run(0, 'running')], 1)).toThrow(
      /still running/,
    );
    expect(() => assertStepMayStart('implementation', steps, [run(0, 'failed')], 1)).toThrow(/step 1/);
    expect(() => assertStepMayStart('implementation', steps, [run(0, 'failed')], 0)).not.toThrow();
    expect(() => assertStepMayStart('implementation', steps, [run(0, 'succeeded')], 0)).toThrow(/already/);
    expect(() => assertStepMayStart('implementation', steps, [], 3)).toThrow(/needs a plan revision/);
  });
  it('RB-3 rollback steps keep their own order, apart from implementation steps', () => {
    const rb = [{ ...run(0, 'succeeded'), phase: 'rollback' as const }];
    expect(() => assertStepMayStart('rollback', steps, rb, 1)).not.toThrow();
    expect(() => assertStepMayStart('rollback', steps, [run(0, 'succeeded')], 1)).toThrow(
      /RB-3|cannot start/,
    );
  });
  it('IM-2 RO-3 the step at hand is the first not yet succeeded (a failed one stays at hand), with its assignee; none when all succeeded', () => {
    const assigned = steps.map((s, i) => ({ ...s, assignee: i === 1 ? 'impl' : '' }));
    expect(stepAtHand('implementation', assigned, [])).toEqual({
      index: 0,
      title: '停止服务',
      assignee: null,
    });
    expect(stepAtHand('implementation', assigned, [run(0, 'succeeded'), run(1, 'failed')])).toEqual({
      index: 1,
      title: '部署新版本',
      assignee: 'impl',
    });
    // The other phase's runs do not count.
    expect(stepAtHand('rollback', assigned, [run(0, 'succeeded')])?.index).toBe(0);
    expect(
      stepAtHand(
        'implementation',
        assigned,
        [0, 1, 2].map((i) => run(i, 'succeeded')),
      ),
    ).toBeNull();
  });
  it('IM-3 progress counts done, names the current step and compares elapsed with planned', () => {
    const p = progressOf(
      'implementation',
      steps,
      [run(0, 'succeeded'), run(1, 'running', '2026-02-01T15:05:00Z')],
      new Date('2026-02-01T15:12:00Z'),
    );
    expect(p).toMatchObject({ total: 3, done: 1, plannedMinutes: 30, elapsedMinutes: 12 });
    expect(p.current).toEqual({ index: 1, title: '部署新版本', status: 'running' });
  });
  it('RB-3 a phase the release has left (a rollback that failed) stops its clock at its last step', () => {
    const failedAt = '2026-02-01T15:09:00Z';
    const runs = [{ ...run(0, 'failed', '2026-02-01T15:05:00Z'), finishedAt: failedAt }];
    const later = new Date('2026-02-01T18:00:00Z');
    expect(progressOf('implementation', steps, runs, later).elapsedMinutes).toBe(175);
    expect(progressOf('implementation', steps, runs, later, true)).toMatchObject({
      finishedAt: failedAt,
      elapsedMinutes: 4,
    });
  });
});

describe('IM-4 IM-5 IM-6 RB-2 monitoring and the decision clock', () => {
  it('IM-4 thresholds breach by their comparator; NaN never breaches', () => {
    expect(isBreach({ comparator: 'gt', threshold: 0.05 }, 0.06)).toBe(true);
    expect(isBreach({ comparator: 'gt', threshold: 0.05 }, 0.05)).toBe(false);
    expect(isBreach({ comparator: 'gte', threshold: 0.05 }, 0.05)).toBe(true);
    expect(isBreach({ comparator: 'lt', threshold: 99.9 }, 99)).toBe(true);
    expect(isBreach({ comparator: 'gt', threshold: 1 }, Number.NaN)).toBe(false);
  });
  it('IM-5 error patterns: substrings ignore case, /regex/ are expressions, a bad one never throws', () => {
    const patterns = ['ORA-', '/connection (refused|reset)/i', '/[/'];
    expect(matchingErrorPattern('db: ora-00942 table missing', patterns)).toBe('ORA-');
    expect(matchingErrorPattern('Connection Reset by peer', patterns)).toBe('/connection (refused|reset)/i');
    expect(matchingErrorPattern('all good', patterns)).toBeNull();
  });
  it('IM-6 complaints reach the policy threshold only within the sliding window', () => {
    const now = new Date('2026-02-01T15:10:00Z');
    const at = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();
    expect(complaintsReachThreshold([at(1), at(2), at(3), at(4), at(9)], now, rules)).toBe(true);
    expect(complaintsReachThreshold([at(1), at(2), at(3), at(4), at(11)], now, rules)).toBe(false);
  });
  it('RB-2 the decision is due 30 minutes after discovery, escalated 10 minutes before and at the deadline', () => {
    const due = decisionDueAt('2026-02-01T15:00:00Z', rules);
    expect(due).toBe('2026-02-01T15:30:00.000Z');
    expect(escalationTimes(due, rules)).toEqual([
      { at: '2026-02-01T15:20:00.000Z', minutesBefore: 10 },
      { at: '2026-02-01T15:30:00.000Z', minutesBefore: 0 },
    ]);
    expect(decisionTiming('2026-02-01T15:00:00Z', due, '2026-02-01T15:31:00Z')).toEqual({
      minutes: 31,
      late: true,
    });
    expect(decisionTiming('2026-02-01T15:00:00Z', due, '2026-02-01T15:30:00Z')).toEqual({
      minutes: 30,
      late: false,
    });
  });
});

describe('lifecycle: implementation and rollback actions', () => {
  const base: ReleaseFacts = {
    state: 'implementing',
    type: 'major',
    unapprovedChanges: [],
    plan: null,
    steps: { total: 2, succeeded: 2 },
    rollbackSteps: { total: 1, succeeded: 0 },
    openTriggers: 0,
    restorationVerified: false,
  };
  const manager: Actor = actorWithRoles('m', ['operations_manager']);
  const engineer: Actor = actorWithRoles('e', ['operations_engineer']);
  const rulesOf = (f: ReleaseFacts, action: Parameters<typeof blockersOf>[0], who = engineer) =>
    blockersOf(action, f, who, rules).map((b) => b.rule);

  it('PR-1 start is blocked by each gate failure, named', () => {
    const f: ReleaseFacts = {
      ...base,
      state: 'ready',
      gateFailures: [
        {
          code: 'window_open',
          reasonCode: 'gate_outside_window',
          params: { start: '2026-01-01T00:00:00.000Z', end: '2026-01-01T01:00:00.000Z' },
        },
      ],
    };
    expect(rulesOf(f, 'start_implementation')).toEqual(['PR-1 window open']);
    expect(rulesOf({ ...f, gateFailures: [] }, 'start_implementation')).toEqual([]);
  });
  it('RB-2 implementation cannot complete while a trigger awaits its decision; only the manager decides', () => {
    expect(rulesOf({ ...base, openTriggers: 1 }, 'complete_implementation')).toEqual(['RB-2 decide first']);
    expect(rulesOf(base, 'decide_rollback', manager)).toEqual(['RB-2 a decision answers a trigger']);
    expect(rulesOf({ ...base, openTriggers: 1 }, 'decide_rollback', engineer)).toEqual([
      'RB-2 an authorised person decides',
    ]);
    expect(rulesOf({ ...base, openTriggers: 1 }, 'decide_rollback', manager)).toEqual([]);
  });
  it('RB-3 RB-4 a rollback completes only with every step done and restoration verified', () => {
    const f: ReleaseFacts = { ...base, state: 'rolling_back' };
    expect(rulesOf(f, 'complete_rollback')).toEqual([
      'RB-3 every rollback step done',
      'RB-4 restoration verified',
    ]);
    expect(
      rulesOf(
        { ...f, rollbackSteps: { total: 1, succeeded: 1 }, restorationVerified: true },
        'complete_rollback',
      ),
    ).toEqual([]);
  });
});
