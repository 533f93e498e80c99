import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { CHANGE_STATES, assertChange, canChange, tallyVotes } from './change-lifecycle';

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
