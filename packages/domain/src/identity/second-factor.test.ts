import { describe, expect, it } from 'vitest';
import { ROLES } from './roles';
import { SECOND_FACTOR_ROLES, secondFactorRequired } from './second-factor';

describe('X-4 who must sign in with a second factor', () => {
  it('X-4 under the strict profile the three administrator roles and the operations manager; nobody under the standard one', () => {
    const obliged = ROLES.filter((r) => secondFactorRequired([r], 'strict'));
    expect(obliged.sort()).toEqual(
      ['auditor', 'operations_manager', 'security_administrator', 'system_administrator'].sort(),
    );
    expect([...SECOND_FACTOR_ROLES].sort()).toEqual(obliged);
    expect(ROLES.filter((r) => secondFactorRequired([r], 'standard'))).toEqual([]);
    expect(secondFactorRequired(['operations_engineer', 'operations_manager'], 'strict')).toBe(true);
    expect(secondFactorRequired([], 'strict')).toBe(false);
  });
});
