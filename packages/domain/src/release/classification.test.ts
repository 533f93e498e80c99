import { describe, expect, it } from 'vitest';
import { proposeType } from './classification';

const base = {
  urgency: 'normal',
  rollbackDifficulty: 'easy',
  newTechnology: false,
  coreCisTouched: 0,
  affectedCis: 3,
} as const;

describe('classification proposal', () => {
  it('TY-3 proposes emergency, major or normal from the assessments, with the deciding criteria', () => {
    expect(proposeType({ ...base, urgency: 'immediate' }).type).toBe('emergency');
    expect(proposeType({ ...base, coreCisTouched: 1 })).toEqual({
      type: 'major',
      criteria: [{ code: 'proposal_core', params: { count: 1 } }],
      reasons: ['touches 1 core CI(s) (涉及系统核心功能)'],
    });
    expect(proposeType({ ...base, rollbackDifficulty: 'hard', newTechnology: true }).reasons).toHaveLength(2);
    expect(proposeType({ ...base, affectedCis: 25 }).type).toBe('major');
    expect(proposeType(base).type).toBe('normal');
  });
});
