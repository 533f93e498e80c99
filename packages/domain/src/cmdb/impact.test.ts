import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildAffectsGraph, impactOf, impactPath } from './impact';
import { randomRelations } from './impact.arbitrary';
import type { RelationType } from './relations';

// 0 app depends_on 1 db; 1 db runs_on 2 server; 3 web depends_on 0 app; 0 app part_of 4 service;
// 5 switch connects_to 2 server.
const edges: { source: number; target: number; type: RelationType }[] = [
  { source: 0, target: 1, type: 'depends_on' },
  { source: 1, target: 2, type: 'runs_on' },
  { source: 3, target: 0, type: 'depends_on' },
  { source: 0, target: 4, type: 'part_of' },
  { source: 5, target: 2, type: 'connects_to' },
];
const graph = buildAffectsGraph(6, edges);

describe('impact analysis', () => {
  it('CM-2 direction: a change to what others depend on affects them, not the reverse', () => {
    // The server changes: the database on it, the app using the database, the web using the app,
    // the service the app is part of, and the switch linked to the server.
    const fromServer = impactOf(graph, [2], 10);
    expect(new Set(fromServer.affected)).toEqual(new Set([1, 0, 3, 4, 5]));
    // The web front end changes: nothing depends on it.
    expect(impactOf(graph, [3], 10).affected).toEqual(new Int32Array([]));
    // The app changes: its dependants and the whole it is part of, not the database below it.
    expect(new Set(impactOf(graph, [0], 10).affected)).toEqual(new Set([3, 4]));
  });

  it('CM-2 depth bound: stops after maxDepth steps and says so', () => {
    const r = impactOf(graph, [2], 1);
    expect(new Set(r.affected)).toEqual(new Set([1, 5]));
    expect(r.truncated).toBe(true);
    expect(impactOf(graph, [2], 10).truncated).toBe(false);
  });

  it('CM-2 each affected CI comes with the path that makes it affected', () => {
    const r = impactOf(graph, [2], 10);
    const path = impactPath(graph, r, 3);
    expect(path.map((s) => [s.from, s.to, s.relation, s.reverse])).toEqual([
      [2, 1, 'runs_on', true],
      [1, 0, 'depends_on', true],
      [0, 3, 'depends_on', true],
    ]);
    expect(r.depth[[...r.affected].indexOf(3)]).toBe(3);
    expect(impactPath(graph, r, 2)).toEqual([]); // the seed itself
  });

  it('CM-2 several seeds: each reached once, nearest first, from the nearest seed', () => {
    const r = impactOf(graph, [1, 2, 1], 10);
    expect([...r.affected]).toEqual([0, 5, 3, 4]);
    expect([...r.depth]).toEqual([1, 1, 2, 2]);
    expect([...r.from]).toEqual([1, 2, 0, 0]);
    expect(r.truncated).toBe(false);
  });

  it('CM-2 matches a naive reachability search on random graphs (property)', () => {
    fc.assert(
      fc.property(
        randomRelations(30, 80).chain(({ n, edges: es }) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.constant(es),
            seed: fc.nat(n - 1),
            depth: fc.integer({ min: 0, max: 6 }),
          }),
        ),
        ({ n, edges: es, seed, depth }) => {
          const g = buildAffectsGraph(n, es);
          const result = impactOf(g, [seed], depth);
          // Naive: repeat "affected by the frontier" depth times.
          const dist = new Map<number, number>([[seed, 0]]);
          for (let d = 1; d <= depth; d++) {
            for (const e of es) {
              const pairs: [number, number][] = [];
              if (e.type === 'part_of') pairs.push([e.source, e.target]);
              else pairs.push([e.target, e.source]);
              if (e.type === 'connects_to') pairs.push([e.source, e.target]);
              for (const [from, to] of pairs) if (dist.get(from) === d - 1 && !dist.has(to)) dist.set(to, d);
            }
          }
          dist.delete(seed);
          expect(new Set(result.affected)).toEqual(new Set(dist.keys()));
          for (let i = 0; i < result.affected.length; i++)
            expect(result.depth[i]).toBe(dist.get(result.affected[i]));
          // Each node is reached from the seed or from a node listed before it, along a real edge
          // of the graph, one step nearer.
          const position = new Map([...result.affected].map((node, i) => [node, i]));
          for (let i = 0; i < result.affected.length; i++) {
            const from = result.from[i];
            const e = result.edge[i];
            expect(from === seed || (position.get(from) ?? i) < i).toBe(true);
            expect(e >= g.offsets[from] && e < g.offsets[from + 1]).toBe(true);
            expect(g.targets[e]).toBe(result.affected[i]);
            expect(from === seed ? 0 : result.depth[position.get(from)!]).toBe(result.depth[i] - 1);
          }
          // Searches reuse buffers: the same search again gives the same answer.
          expect(impactOf(g, [seed], depth)).toEqual(result);
        },
      ),
    );
  });
});
