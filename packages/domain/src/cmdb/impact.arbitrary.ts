// Test input for impact analysis (fast-check): a random graph of stored relations. Used by the
// domain's and the server's property tests; not exported from the package (tests only).
import fc from 'fast-check';
import { RELATION_TYPES, type RelationType } from './relations';

export interface RandomRelations {
  n: number;
  edges: { source: number; target: number; type: RelationType }[];
}

/** 1..maxNodes nodes and up to maxEdges typed relations between them (loops and repeats included). */
export const randomRelations = (maxNodes: number, maxEdges: number): fc.Arbitrary<RandomRelations> =>
  fc.integer({ min: 1, max: maxNodes }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.record({ source: fc.nat(n - 1), target: fc.nat(n - 1), type: fc.constantFrom(...RELATION_TYPES) }),
        { maxLength: maxEdges },
      ),
    }),
  );
