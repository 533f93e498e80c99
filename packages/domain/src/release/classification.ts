import { renderReason, type Reason } from '@releasegate/messages';
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
  /** The criteria of table 4-1 that decided it, as reasons the message catalog renders … */
  criteria: Reason[];
  /** … and in English. */
  reasons: string[];
}

/** Breadth from which a release counts as wide-ranging (影响范围广). */
export const WIDE_SCOPE_CIS = 20;

const proposal = (type: ReleaseType, criteria: Reason[]): TypeProposal => ({
  type,
  criteria,
  reasons: criteria.map((c) => renderReason('en', c)),
});

/**
 * TY-3: the type the system proposes from the assessments, with the criteria of table 4-1 that
 * decided it. Emergency when it must happen at once; major when it touches core functions, is
 * wide, hard to roll back or uses new technology; normal otherwise.
 */
export function proposeType(f: ClassificationFacts): TypeProposal {
  if (f.urgency === 'immediate') return proposal('emergency', [{ code: 'proposal_immediate', params: {} }]);
  const criteria: Reason[] = [];
  if (f.coreCisTouched > 0) criteria.push({ code: 'proposal_core', params: { count: f.coreCisTouched } });
  if (f.affectedCis >= WIDE_SCOPE_CIS)
    criteria.push({ code: 'proposal_wide', params: { count: f.affectedCis } });
  if (f.rollbackDifficulty === 'hard') criteria.push({ code: 'proposal_hard_rollback', params: {} });
  if (f.newTechnology) criteria.push({ code: 'proposal_new_technology', params: {} });
  if (criteria.length > 0) return proposal('major', criteria);
  return proposal('normal', [{ code: 'proposal_small', params: {} }]);
}
