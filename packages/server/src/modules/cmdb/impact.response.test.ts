import { RELATION_CODES, buildAffectsGraph, impactOf, type RelationType } from '@releasegate/domain';
// The domain's random relations (a test helper, not part of the package's exports).
import { randomRelations } from '../../../../domain/src/cmdb/impact.arbitrary';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { impactView } from './cmdb.schemas';
import type { CiSummaryRow } from './cmdb.repository';
import { nodeFlags, type LoadedGraph } from './impact.graph';
import { impactJson } from './impact.response';
import { answerOf, impactReport } from './impact.service';

/** A graph as the cache holds it, over `n` nodes; nodes without a summary stand for CIs added since the load. */
function loadedGraph(
  n: number,
  edges: { source: number; target: number; type: RelationType }[],
  summary: (i: number) => Omit<CiSummaryRow, 'id'> | null,
  id: (i: number) => string = (i) => `ci-${i}`,
): LoadedGraph {
  const ids = Array.from({ length: n }, (_, i) => id(i));
  const summaries = ids.map((x, i) => {
    const s = summary(i);
    return s && { id: x, ...s };
  });
  const flags = Uint8Array.from(summaries, nodeFlags);
  return {
    seq: 1,
    ids,
    index: new Map(ids.map((x, i) => [x, i])),
    graph: buildAffectsGraph(n, edges),
    edges: {
      source: Int32Array.from(edges, (e) => e.source),
      target: Int32Array.from(edges, (e) => e.target),
      code: Uint8Array.from(edges, (e) => RELATION_CODES.indexOf(e.type)),
      count: edges.length,
    },
    summaries,
    flags,
  };
}

const text = fc.string({ unit: 'binary', maxLength: 12 });

describe('impact answer JSON', () => {
  it('CM-2 is exactly the JSON of the report, which the route schema accepts as it is (property)', () => {
    fc.assert(
      fc.property(
        randomRelations(25, 70).chain(({ n, edges }) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.constant(edges),
            summaries: fc.array(
              fc.option(
                fc.record({
                  name: text,
                  type: fc.constantFrom('service', 'application', '数据库'),
                  environment: text,
                  critical: fc.boolean(),
                }),
                { freq: 6 },
              ),
              { minLength: n, maxLength: n },
            ),
            ids: fc.uniqueArray(text, { minLength: n, maxLength: n }),
            seeds: fc.uniqueArray(fc.nat(n - 1), { minLength: 1, maxLength: 3 }),
            depth: fc.integer({ min: 1, max: 20 }),
            limit: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
          }),
        ),
        ({ n, edges, summaries, ids, seeds, depth, limit }) => {
          const graph = loadedGraph(
            n,
            edges,
            (i) => summaries[i],
            (i) => ids[i],
          );
          const seedRows = seeds.map((i) => ({
            id: ids[i],
            name: `seed ${i}`,
            type: 'server',
            environment: 'production',
            critical: false,
          }));
          const answer = answerOf(graph, seedRows, impactOf(graph.graph, seeds, depth), depth, limit);
          const report = impactReport(answer);
          const json = impactJson(answer).toString('utf8');
          expect(json).toBe(JSON.stringify(report));
          const parsed: unknown = JSON.parse(json);
          expect(impactView.parse(parsed)).toEqual(parsed);

          const all = answerOf(graph, seedRows, impactOf(graph.graph, seeds, depth), depth);
          expect(report.affectedCount).toBe(all.affectedCount);
          expect(report.affected.length).toBe(Math.min(limit ?? Infinity, all.affectedCount));
          expect(report.affected).toEqual(impactReport(all).affected.slice(0, report.affected.length));
          // Every listed CI's path stays within the answer: it was reached from a seed or from a
          // CI listed before it (unless that one has no summary).
          const listed = new Set(seedRows.map((s) => s.id));
          for (const a of report.affected) {
            const from = graph.index.get(a.via.fromId)!;
            expect(listed.has(a.via.fromId) || !graph.summaries[from]).toBe(true);
            listed.add(a.id);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('CM-2 a limit lists the nearest CIs and still counts all of them, services and critical ones too', () => {
    // A chain 0 ← 1 ← 2 … (i depends_on i - 1): a change to 0 reaches every other node, one per depth.
    const n = 8;
    const graph = loadedGraph(
      n,
      Array.from({ length: n - 1 }, (_, i) => ({ source: i + 1, target: i, type: 'depends_on' as const })),
      (i) => ({
        name: `名称 "${i}"`,
        type: i % 3 === 0 ? 'service' : 'application',
        environment: 'production',
        critical: i % 2 === 1,
      }),
    );
    const answer = answerOf(graph, [], impactOf(graph.graph, [0], 20), 20, 3);
    const report = impactReport(answer);
    expect(report.affected.map((a) => [a.id, a.depth])).toEqual([
      ['ci-1', 1],
      ['ci-2', 2],
      ['ci-3', 3],
    ]);
    expect(report.affectedCount).toBe(7);
    expect(report.services).toEqual(['ci-3', 'ci-6']);
    expect(report.criticalCount).toBe(4);
    expect(JSON.parse(impactJson(answer).toString('utf8'))).toEqual(report);
  });

  it('CM-2 the answer is whole when the listed CIs are far longer than the average one', () => {
    // Node 0's change reaches 1..3 (long names); 4..99 (short names, unreached) keep the average low.
    const graph = loadedGraph(
      100,
      [1, 2, 3].map((i) => ({ source: i, target: 0, type: 'depends_on' as const })),
      (i) => ({
        name: i >= 1 && i <= 3 ? '长'.repeat(500) : 'x',
        type: 'application',
        environment: 'production',
        critical: false,
      }),
    );
    const answer = answerOf(graph, [], impactOf(graph.graph, [0], 5), 5);
    expect(impactJson(answer).toString('utf8')).toBe(JSON.stringify(impactReport(answer)));
  });
});
