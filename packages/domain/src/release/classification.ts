import type { ReleaseType } from '../policy/policy';

/** What the classification (TY-1, table 4-1) looks at. */
export interface ClassificationFacts {
  urgency: 'immediate' | 'high' | 'normal';
  rollbackDifficulty: 'easy' | 'moderate' | 'hard';
  newTechnology: boolean;
  /** Core (critical) CIs among the targets and everything they affect. */
  coreCisTouched: number;
  /** All CIs in scope after impact analysis: the breadth of the release. */
  affectedCis: number;
}

export interface TypeProposal {
  type: ReleaseType;
  reasons: string[];
}

/** Breadth from which a release counts as wide-ranging (影响范围广). */
export const WIDE_SCOPE_CIS = 20;

/**
 * TY-3: the type the system proposes from the assessments, with the criteria of table 4-1 that
 * decided it. Emergency when it must happen at once; major when it touches core functions, is
 * wide, hard to roll back or uses new technology; normal otherwise.
 */
export function proposeType(f: ClassificationFacts): TypeProposal {
  if (f.urgency === 'immediate')
    return { type: 'emergency', reasons: ['must be implemented immediately (紧急: 必须立即实施)'] };
  const reasons: string[] = [];
  if (f.coreCisTouched > 0) reasons.push(`touches ${f.coreCisTouched} core CI(s) (涉及系统核心功能)`);
  if (f.affectedCis >= WIDE_SCOPE_CIS) reasons.push(`affects ${f.affectedCis} CIs (影响范围广)`);
  if (f.rollbackDifficulty === 'hard') reasons.push('hard to roll back (回退困难)');
  if (f.newTechnology) reasons.push('applies new technology (需应用新技术)');
  if (reasons.length > 0) return { type: 'major', reasons };
  return {
    type: 'normal',
    reasons: ['small scope, no core functions, easy to roll back (影响范围小, 不涉及核心功能, 回退容易)'],
  };
}
