import type { Kysely } from 'kysely';
import type { Labelled, PolicyRules } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { Release } from '../releases';
import { approvedPlanOf } from '../plans';
import * as repo from './checklist.repository';

/** The plan version being verified: the approved one (a revision in drafting does not count). */
export async function approvedPlanVersion(q: Kysely<Database>, releaseId: string): Promise<number | null> {
  return (await approvedPlanOf(q, releaseId))?.version ?? null;
}

/** IM-1: checklist items of the policy with their latest result; `pending` lists those not passed. */
export async function checklistState(q: Kysely<Database>, release: Release, rules: PolicyRules) {
  const version = await approvedPlanVersion(q, release.id);
  const results = version === null ? [] : await repo.checksOf(q, release.id, version);
  const latest = repo.latestByItem(results);
  const items = rules.preReleaseChecks.map((item: Labelled) => ({
    ...item,
    latest: latest.get(item.key) ?? null,
  }));
  return {
    planVersion: version,
    items,
    history: results,
    pending: items.filter((i) => i.latest?.result !== 'passed').map((i) => i.key),
  };
}
