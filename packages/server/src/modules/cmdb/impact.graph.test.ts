import { RELATION_TYPES, impactOf } from '@releasegate/domain';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliContext } from '../../cli/cli-context';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { CHANGE_LOG_KEPT, recordGraphChange } from './cmdb.repository';
import { addRelation, createCi, removeRelation, retireCi, updateCi } from './ci.service';
import { ImpactGraphCache, type LoadedGraph } from './impact.graph';

/** Every active CI's impact (affected ids with their depth) and shown fields: what answers depend on. */
function picture(g: LoadedGraph) {
  const cis = [...g.index.keys()].sort();
  return cis.map((id) => {
    const r = impactOf(g.graph, [g.index.get(id)!], 20);
    const affected = Array.from(r.affected, (node, k) => `${g.ids[node]}@${r.depth[k]}`).sort();
    return { id, summary: g.summaries[g.index.get(id)!], affected };
  });
}

const op = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      critical: fc.boolean(),
      service: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat(), critical: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retire' as const), pick: fc.nat() }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('relate' as const),
      a: fc.nat(),
      b: fc.nat(),
      type: fc.constantFrom(...RELATION_TYPES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('unrelate' as const), pick: fc.nat() }) },
);

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

describe.each(DIALECTS)('CMDB impact graph kept current on %s', (dialect) => {
  let t: TestApp;
  const ctx = cliContext();
  let counter = 0;
  beforeAll(async () => {
    t = await startTestApp(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  const active = async () =>
    (await t.database.db.kysely.selectFrom('cis').select('id').where('status', '=', 'active').execute()).map(
      (r) => r.id,
    );

  async function apply(o: Op) {
    const deps = t.app.cmdb;
    const ids = await active();
    const pick = (n: number) => ids[n % ids.length];
    if (o.kind === 'create' || ids.length < 2) {
      await createCi(deps, ctx, {
        type: o.kind === 'create' && o.service ? 'service' : 'application',
        name: `系统 ${++counter}`,
        environment: 'production',
        critical: o.kind === 'create' && o.critical,
      });
    } else if (o.kind === 'rename') {
      const id = pick(o.pick);
      const ci = await t.database.db.kysely
        .selectFrom('cis')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await updateCi(
        deps,
        ctx,
        id,
        { name: `改名 ${++counter}`, critical: o.critical, revision: ci.revision },
        {
          kind: 'manual',
          reason: '更名',
        },
      );
    } else if (o.kind === 'retire') {
      await retireCi(deps, ctx, pick(o.pick), { kind: 'manual', reason: '下线' });
    } else if (o.kind === 'relate') {
      const [a, b] = [pick(o.a), pick(o.b)];
      if (a === b) return;
      await addRelation(deps, ctx, { sourceId: a, targetId: b, type: o.type }).catch((e: Error) => {
        if (!/already/.test(e.message)) throw e;
      });
    } else {
      const relations = await t.database.db.kysely
        .selectFrom('ci_relations')
        .select('id')
        .orderBy('id')
        .execute();
      if (relations.length > 0)
        await removeRelation(deps, ctx, relations[o.pick % relations.length].id, {
          kind: 'manual',
          reason: '拆除',
        });
    }
  }

  it('CM-2 after any CIs and relations created, renamed, retired or removed, the held graph answers as a fresh load does, without reloading (property)', async () => {
    const held = t.app.cmdb.graph;
    await held.current();
    const loadsBefore = held.stats.loads;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        for (const o of ops) await apply(o);
        const fresh = await new ImpactGraphCache(t.database.db).current();
        expect(picture(await held.current())).toEqual(picture(fresh));
      }),
      { numRuns: 25 },
    );
    expect(held.stats.loads).toBe(loadsBefore);
    expect(held.stats.updates).toBeGreaterThan(0);
  });

  it('CM-2 a copy further behind than the log keeps, or than the limit, is reloaded whole', async () => {
    const cache = new ImpactGraphCache(t.database.db, 3);
    await cache.current();
    for (let i = 0; i < 4; i++)
      await createCi(t.app.cmdb, ctx, {
        type: 'application',
        name: `批量 ${++counter}`,
        environment: 'test',
      });
    await cache.current();
    expect(cache.stats).toEqual({ loads: 2, updates: 0 });
    await createCi(t.app.cmdb, ctx, { type: 'application', name: `单个 ${++counter}`, environment: 'test' });
    await cache.current();
    expect(cache.stats).toEqual({ loads: 2, updates: 1 });
    // The log was pruned past this copy: entries are missing, so it reloads rather than guess.
    await t.database.db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < 2; i++) await recordGraphChange(trx, { kind: 'ci', ciId: 'gone' });
      await trx.deleteFrom('cmdb_change_log').execute();
    });
    await cache.current();
    expect(cache.stats).toEqual({ loads: 3, updates: 1 });
    expect(CHANGE_LOG_KEPT).toBeGreaterThan(3);
  });

  it('CM-2 a copy read inside a transaction that is then rolled back is not kept', async () => {
    const cache = new ImpactGraphCache(t.database.db);
    const before = await cache.current();
    await t.database.db.kysely
      .transaction()
      .execute(async (trx) => {
        await recordGraphChange(trx, { kind: 'ci', ciId: 'uncommitted' });
        const inside = await cache.current(trx);
        expect(inside.seq).toBe(before.seq + 1);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await cache.current()).seq).toBe(before.seq);
  });
});
