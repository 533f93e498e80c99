import { renderReason, type Reason } from '@releasegate/messages';
import type { Kysely } from 'kysely';
import { impactOf } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { ReleaseDeps, Release } from '../releases';
import {
  freezesOverlapping,
  overlappingPlans,
  overridesOf,
  type ConflictOverride,
  type PlanVersion,
} from './plan.repository';

/** What this file's functions use of the release workflow's dependencies. */
export type PlanConflictDeps = Pick<ReleaseDeps, 'graph'>;

export interface PlanConflict {
  key: string;
  kind: 'freeze' | 'release';
  /** What the window collides with, as a reason of the message catalog … */
  reason: Reason;
  /** … and in English. */
  description: string;
  /** The recorded override, if someone decided to proceed anyway. */
  override: ConflictOverride | null;
}

/** How far apart in the CMDB two releases may be and still count as touching dependent CIs. */
const DEPENDENCY_DEPTH = 3;

const scopeOf = (release: Pick<Release, 'targetCiIds'>, plan: PlanVersion) => [
  ...new Set([...(plan.content.scope?.ciIds ?? []), ...release.targetCiIds]),
];

/**
 * PL-5: the plan's window against freeze windows, and against other open releases whose windows
 * overlap and whose CIs are the same as, or depend either way on, this plan's CIs.
 */
export async function planConflicts(
  q: Kysely<Database>,
  deps: Pick<ReleaseDeps, 'graph'>,
  release: Release,
  plan: PlanVersion,
): Promise<PlanConflict[]> {
  const w = plan.content.window;
  if (!w || Number.isNaN(Date.parse(w.start)) || Number.isNaN(Date.parse(w.end))) return [];
  const overrides = new Map((await overridesOf(q, plan.id)).map((o) => [o.conflictKey, o]));
  const conflicts: PlanConflict[] = [];
  for (const f of await freezesOverlapping(q, w.start, w.end)) {
    const key = `freeze:${f.id}`;
    const reason: Reason = {
      code: 'conflict_freeze',
      params: { name: f.name, start: f.startsAt, end: f.endsAt },
    };
    conflicts.push({
      key,
      kind: 'freeze',
      reason,
      description: renderReason('en', reason),
      override: overrides.get(key) ?? null,
    });
  }
  const others = await overlappingPlans(q, w.start, w.end, release.id);
  if (others.length > 0) {
    const graph = await deps.graph.current(q);
    const reach = (ids: string[]) => {
      const result = impactOf(
        graph.graph,
        ids.map((id) => graph.index.get(id) ?? -1),
        DEPENDENCY_DEPTH,
      );
      return new Set([...ids, ...Array.from(result.affected, (i) => graph.ids[i])]);
    };
    const mine = scopeOf(release, plan);
    const mineReach = reach(mine);
    for (const other of others) {
      const theirs = (other.content.scope?.ciIds ?? []).filter(Boolean);
      const theirReach = reach(theirs);
      const shared =
        theirs.filter((id) => mineReach.has(id)).length + mine.filter((id) => theirReach.has(id)).length;
      if (shared === 0) continue;
      const key = `release:${other.releaseId}`;
      const reason: Reason = {
        code: 'conflict_release',
        params: {
          release: other.releaseNumber,
          title: other.releaseTitle,
          version: other.version,
          start: other.content.window?.start ?? '',
          end: other.content.window?.end ?? '',
        },
      };
      conflicts.push({
        key,
        kind: 'release',
        reason,
        description: renderReason('en', reason),
        override: overrides.get(key) ?? null,
      });
    }
  }
  return conflicts;
}
