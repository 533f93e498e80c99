/**
 * Relation types of the CMDB (CM-1) and the direction in which a change travels along each (CM-2).
 * A relation is stored as `source —type→ target`, read "source depends on target" etc.
 */
export const RELATION_TYPES = ['depends_on', 'runs_on', 'connects_to', 'part_of'] as const;
export type RelationType = (typeof RELATION_TYPES)[number];

export function isRelationType(value: string): value is RelationType {
  return (RELATION_TYPES as readonly string[]).includes(value);
}

/**
 * Which ends a change to one end affects:
 * - A depends_on B, A runs_on B: a change to B affects A (upstream → dependants), not the reverse;
 * - A part_of B: a change to the part A affects the whole B;
 * - A connects_to B: a link works both ways; a change to either end affects the other.
 */
export const IMPACT_DIRECTION: Record<
  RelationType,
  { targetAffectsSource: boolean; sourceAffectsTarget: boolean }
> = {
  depends_on: { targetAffectsSource: true, sourceAffectsTarget: false },
  runs_on: { targetAffectsSource: true, sourceAffectsTarget: false },
  part_of: { targetAffectsSource: false, sourceAffectsTarget: true },
  connects_to: { targetAffectsSource: true, sourceAffectsTarget: true },
};
