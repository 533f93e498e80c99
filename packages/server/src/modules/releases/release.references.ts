import type { Kysely } from 'kysely';
import { notFound } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { findCisByIds, listTypes } from '../cmdb';
import { findDslVersion } from '../dsl';
import { plansOf } from '../plans';
import type { ReleaseDeps } from './release.deps';
import * as repo from './release.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type ReferenceDeps = Pick<ReleaseDeps, 'db'>;

/** Every CI a release names: its targets, its items' CIs, and each plan version's scope and targets. */
async function referencedCiIds(
  q: Kysely<Database>,
  release: repo.Release,
  items: repo.StoredItem[],
): Promise<string[]> {
  const ids = new Set(release.targetCiIds);
  for (const item of items) for (const id of item.ciIds) ids.add(id);
  for (const plan of await plansOf(q, release.id)) {
    const { scope, baseline } = plan.content;
    for (const id of [...(scope?.ciIds ?? []), ...(scope?.services ?? [])]) ids.add(id);
    for (const target of baseline?.targets ?? []) ids.add(target.ciId);
  }
  return [...ids];
}

/**
 * The names behind the ids a release carries, for whoever may read the release. The people of a
 * release (a business representative signing acceptance, an auditor) need to know which systems
 * and software versions it changes without the right to browse the CMDB or the software library.
 */
export async function releaseReferences(deps: ReferenceDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await repo.findRelease(q, id);
  if (!release) throw notFound('release', id);
  const items = await repo.itemsOf(q, release.id);
  const cis = await findCisByIds(q, await referencedCiIds(q, release, items));
  const versionIds = new Set(items.flatMap((i) => (i.dslVersionId ? [i.dslVersionId] : [])));
  const versions = await Promise.all([...versionIds].map((v) => findDslVersion(q, v)));
  const typeNames = new Map((await listTypes(q)).map((t) => [t.key, t.name]));
  return {
    cis: cis
      .map((ci) => ({
        id: ci.id,
        name: ci.name,
        type: ci.type,
        typeName: typeNames.get(ci.type) ?? { zh: ci.type, en: ci.type },
        environment: ci.environment,
        owner: ci.owner,
        critical: ci.critical,
        version: ci.version,
        status: ci.status,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    dslVersions: versions.flatMap((v) =>
      v ? [{ id: v.id, name: v.name, version: v.version, state: v.state }] : [],
    ),
  };
}
