import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

type Q = Kysely<Database>;

/**
 * X-2 (decision 0018): the reads that say whether a to-do is still open. They read the tables of
 * the modules the to-dos come from (as modules/tasks does); those modules own the writes.
 */

/** RB-2: how many rollback triggers of the release await a decision. */
export async function undecidedTriggers(q: Q, releaseId: string): Promise<number> {
  const row = await q
    .selectFrom('rollback_triggers')
    .select((eb) => eb.fn.countAll<number>().as('undecided'))
    .where('release_id', '=', releaseId)
    .where('decision', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.undecided);
}

/** IM-2: a step's run (the latest: one row per step), who ran it and how it ended. */
export async function stepRun(q: Q, releaseId: string, phase: string, index: number) {
  return q
    .selectFrom('step_runs')
    .select(['status', 'executor'])
    .where('release_id', '=', releaseId)
    .where('phase', '=', phase)
    .where('step_index', '=', index)
    .executeTakeFirst();
}

export async function releaseState(q: Q, id: string) {
  return q.selectFrom('releases').select(['state']).where('id', '=', id).executeTakeFirst();
}

/**
 * TY-4: the plan versions of the release that matter to its completion: the approved one (its
 * content as stored) and the newest, and the sections the release's policy version requires.
 */
export async function completionState(q: Q, releaseId: string) {
  const plans = await q
    .selectFrom('plan_versions')
    .select(['version', 'status', 'content'])
    .where('release_id', '=', releaseId)
    .orderBy('version', 'desc')
    .execute();
  const policy = await q
    .selectFrom('releases')
    .innerJoin('policy_versions', 'policy_versions.id', 'releases.policy_version_id')
    .select('policy_versions.document')
    .where('releases.id', '=', releaseId)
    .executeTakeFirst();
  return {
    approved: plans.find((p) => p.status === 'approved') ?? null,
    latest: plans[0] ?? null,
    policyDocument: policy?.document ?? null,
  };
}

/** TY-4: the review after the fact of an emergency release, if recorded. */
export async function emergencyReview(q: Q, releaseId: string) {
  return q
    .selectFrom('release_reviews')
    .select(['reviewer_name'])
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
}

/** PO-2: the CMDB update task of the release. */
export async function cmdbTask(q: Q, releaseId: string) {
  return q
    .selectFrom('cmdb_update_tasks')
    .select(['done_at', 'done_by'])
    .where('release_id', '=', releaseId)
    .executeTakeFirst();
}

/** PO-1: the latest user acceptance recorded for the release. */
export async function latestAcceptance(q: Q, releaseId: string) {
  return q
    .selectFrom('release_verifications')
    .select(['actor_name', 'at'])
    .where('release_id', '=', releaseId)
    .where('item_key', '=', 'user_acceptance')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function changeState(q: Q, id: string) {
  return q.selectFrom('changes').select(['state']).where('id', '=', id).executeTakeFirst();
}

/** IN-1: the voters of the change, by user id. */
export async function votersOf(q: Q, changeId: string): Promise<Set<string>> {
  const rows = await q
    .selectFrom('change_votes')
    .select('voter_id')
    .where('change_id', '=', changeId)
    .execute();
  return new Set(rows.map((r) => r.voter_id));
}

export async function dslState(q: Q, id: string) {
  return q.selectFrom('dsl_versions').select(['state']).where('id', '=', id).executeTakeFirst();
}

/** Who last acted on the object (a successful audit event) since the time, by display name. */
export async function lastActor(q: Q, entityType: string, entityId: string, since: string) {
  const row = await q
    .selectFrom('audit_events')
    .leftJoin('users', 'users.username', 'audit_events.actor_name')
    .select(['audit_events.actor_name', 'users.display_name', 'audit_events.occurred_at'])
    .where('audit_events.entity_type', '=', entityType)
    .where('audit_events.entity_id', '=', entityId)
    .where('audit_events.outcome', '=', 'success')
    .where('audit_events.occurred_at', '>=', since)
    .orderBy('audit_events.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { name: row.display_name ?? row.actor_name, at: row.occurred_at } : undefined;
}
