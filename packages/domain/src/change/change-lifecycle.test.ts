import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { CHANGE_STATES, assertChange, canChange, tallyCab, tallyVotes } from './change-lifecycle';

const internal = (state: (typeof CHANGE_STATES)[number]) => ({
  state,
  source: 'internal' as const,
  externalSystem: null,
});

describe('change lifecycle', () => {
  it('IN-1 the quorum of approvals approves, of rejections rejects; below it nothing is decided', () => {
    const a = { decision: 'approve' as const };
    const r = { decision: 'reject' as const };
    expect(tallyVotes([], 2)).toEqual({ required: 2, approve: 0, reject: 0, outcome: null });
    expect(tallyVotes([a, r], 2).outcome).toBeNull();
    expect(tallyVotes([a, r, a], 2)).toMatchObject({ approve: 2, reject: 1, outcome: 'approved' });
    expect(tallyVotes([r, r], 2).outcome).toBe('rejected');
    expect(tallyVotes([a], 1).outcome).toBe('approved');
  });

  it('IN-1 TY-4 an emergency change is decided by the emergency CAB’s smaller quorum of its own members, or by the full CAB', () => {
    const vote = (decision: 'approve' | 'reject', emergencyCab: boolean) => ({ decision, emergencyCab });
    const quorums = { cab: 2, emergencyCab: 1 };
    // A member of the emergency CAB approves an emergency change alone.
    expect(tallyCab([vote('approve', true)], quorums, true)).toEqual({
      required: 2,
      approve: 1,
      reject: 0,
      outcome: 'approved',
      expedited: { required: 1, approve: 1, reject: 0 },
      decidedBy: 'emergency_cab',
    });
    // A CAB member outside the emergency CAB does not; two CAB approvals do, as for any change.
    expect(tallyCab([vote('approve', false)], quorums, true).outcome).toBeNull();
    expect(tallyCab([vote('approve', false), vote('approve', false)], quorums, true)).toMatchObject({
      outcome: 'approved',
      decidedBy: 'cab',
    });
    // The emergency CAB rejects as it approves.
    expect(tallyCab([vote('reject', true)], quorums, true)).toMatchObject({
      outcome: 'rejected',
      decidedBy: 'emergency_cab',
    });
    // Not an emergency: the emergency CAB's vote is one CAB vote among others.
    expect(tallyCab([vote('approve', true)], quorums, false)).toMatchObject({
      outcome: null,
      expedited: null,
      decidedBy: null,
    });
  });

  it('IN-2 withdrawal is open until implementation, also after approval', () => {
    expect(CHANGE_STATES.filter((s) => canChange(s, 'withdraw'))).toEqual([
      'draft',
      'submitted',
      'cab_review',
      'approved',
    ]);
    expect(CHANGE_STATES.filter((s) => canChange(s, 'implement'))).toEqual(['approved']);
  });

  it('a refused transition names the rule and the state', () => {
    expect(() => assertChange(internal('draft'), 'vote', 'CHG-2026-0001 扩容')).toThrow(
      'CHG-2026-0001 扩容: only a change in CAB review can be voted on (it is draft)',
    );
    try {
      assertChange(
        { state: 'approved', source: 'external', externalSystem: 'itsm' },
        'withdraw',
        'CHG-2026-0002 x',
      );
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).details).toMatchObject({
        rule: 'IN-2 external changes are managed in their own system',
      });
    }
    expect(() =>
      assertChange({ state: 'approved', source: 'external', externalSystem: 'itsm' }, 'implement', 'x'),
    ).not.toThrow();
  });
});
