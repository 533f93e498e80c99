import { FIELDS, fieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import {
  diffSnapshots,
  invalidFields,
  notFound,
  refused,
  type BaselineDiff,
  type CiSnapshot,
} from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import type { CmdbDeps } from './cmdb.deps';
import * as repo from './cmdb.repository';

const MAX_BASELINE_CIS = 50_000;

/** The current state of the given CIs as snapshots (fields, attributes, version, outgoing relations). */
export async function snapshotCis(q: Kysely<Database>, ciIds: readonly string[]): Promise<CiSnapshot[]> {
  const cis = await repo.findCisByIds(q, ciIds);
  const relations = await repo.outgoingRelations(q, ciIds);
  const targetNames = new Map(
    (await repo.findCisByIds(q, [...new Set(relations.map((r) => r.targetId))])).map((c) => [c.id, c.name]),
  );
  const bySource = new Map<string, CiSnapshot['relations']>();
  for (const r of relations) {
    const list = bySource.get(r.sourceId) ?? [];
    list.push({ type: r.type, targetId: r.targetId, targetName: targetNames.get(r.targetId) ?? r.targetId });
    bySource.set(r.sourceId, list);
  }
  return cis
    .map((c) => ({
      ciId: c.id,
      type: c.type,
      name: c.name,
      environment: c.environment,
      owner: c.owner,
      critical: c.critical,
      version: c.version,
      attributes: c.attributes,
      relations: (bySource.get(c.id) ?? []).sort((a, b) =>
        `${a.type}${a.targetId}`.localeCompare(`${b.type}${b.targetId}`),
      ),
      ...(c.status === 'retired' && { retired: true }),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** CM-3: a named, immutable snapshot of a set of CIs, taken now. */
export async function takeBaseline(
  deps: CmdbDeps,
  ctx: RequestContext,
  input: { name: string; description?: string | null; ciIds?: string[]; filter?: repo.CiFilter },
): Promise<repo.Baseline> {
  authorize(ctx, 'cmdb.write');
  return deps.db.kysely.transaction().execute(async (trx) => {
    let ids = input.ciIds;
    if (!ids) {
      const all = await repo.listCis(trx, input.filter ?? {}, undefined, MAX_BASELINE_CIS + 1);
      ids = all.map((c) => c.id);
    }
    if (ids.length === 0)
      throw invalidFields({ ciIds: [FIELDS.no_matching_cis] });
    if (ids.length > MAX_BASELINE_CIS)
      throw invalidFields({ filter: [fieldProblem('cis_max', { max: MAX_BASELINE_CIS })] });
    const snapshots = await snapshotCis(trx, [...new Set(ids)]);
    const missing = ids.filter((id) => !snapshots.some((s) => s.ciId === id));
    if (missing.length)
      throw refused('not_found', { code: 'unknown_cis', params: { ids: missing } }, { missing });
    const baseline: repo.Baseline = {
      id: randomUUID(),
      name: input.name,
      description: input.description ?? null,
      takenAt: deps.clock.now().toISOString(),
      takenBy: ctx.principal?.username ?? null,
      ciCount: snapshots.length,
    };
    await repo.insertBaseline(trx, baseline, snapshots);
    await deps.audit.record(trx, ctx, {
      action: 'cmdb.baseline_take',
      entityType: 'baseline',
      entityId: baseline.id,
      after: { ...baseline, ciIds: snapshots.map((s) => s.ciId) },
    });
    return baseline;
  });
}

export async function listBaselines(deps: CmdbDeps, ctx: RequestContext) {
  authorize(ctx, 'cmdb.read');
  return repo.listBaselines(deps.db.kysely);
}

export async function getBaseline(deps: CmdbDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'cmdb.read');
  const baseline = await repo.findBaseline(deps.db.kysely, id);
  if (!baseline) throw notFound('baseline', id);
  return { ...baseline, items: await repo.baselineSnapshots(deps.db.kysely, id) };
}

/** CM-3: a baseline against now (the same CIs as they are today) or against another baseline. */
export async function compareBaseline(
  deps: CmdbDeps,
  ctx: RequestContext,
  id: string,
  against: string,
): Promise<BaselineDiff & { from: repo.Baseline; to: repo.Baseline | 'now' }> {
  authorize(ctx, 'cmdb.read');
  const q = deps.db.kysely;
  const from = await repo.findBaseline(q, id);
  if (!from) throw notFound('baseline', id);
  const before = await repo.baselineSnapshots(q, id);
  if (against === 'now') {
    const current = (
      await snapshotCis(
        q,
        before.map((s) => s.ciId),
      )
    ).filter((s) => !('retired' in s));
    return { ...diffSnapshots(before, current), from, to: 'now' };
  }
  const to = await repo.findBaseline(q, against);
  if (!to) throw notFound('baseline', against);
  return { ...diffSnapshots(before, await repo.baselineSnapshots(q, against)), from, to };
}
