import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

type Q = Kysely<Database>;

/**
 * The to-do list's reads: one query per source, each for every object at once (never per row).
 * They read the tables of the modules the tasks come from; those modules still own the writes.
 */

/** RB-2: rollback triggers awaiting a decision, of these releases, earliest deadline first. */
export async function openTriggersOf(q: Q, releaseIds: string[]) {
  if (releaseIds.length === 0) return [];
  return q
    .selectFrom('rollback_triggers')
    .select(['release_id', 'summary', 'discovered_at', 'decision_due_at'])
    .where('release_id', 'in', releaseIds)
    .where('decision', 'is', null)
    .orderBy('decision_due_at')
    .execute();
}

/** PO-2: the CMDB update tasks of these releases (opened when the implementation completed). */
export async function cmdbTasksOf(q: Q, releaseIds: string[]) {
  if (releaseIds.length === 0) return [];
  return q
    .selectFrom('cmdb_update_tasks')
    .select(['release_id', 'opened_at', 'due_at', 'done_at'])
    .where('release_id', 'in', releaseIds)
    .execute();
}

/** PL-2: when the plan of each of these releases was submitted for approval. */
export async function submittedPlansOf(q: Q, releaseIds: string[]) {
  if (releaseIds.length === 0) return [];
  return q
    .selectFrom('plan_versions')
    .select(['release_id', 'submitted_at'])
    .where('release_id', 'in', releaseIds)
    .where('status', '=', 'submitted')
    .execute();
}

/**
 * PL-2: plans this user drafted that the approver returned (rejected, not edited since), of
 * releases back in drafting.
 */
export async function returnedPlansOf(q: Q, userId: string) {
  return q
    .selectFrom('plan_versions')
    .innerJoin('releases', 'releases.id', 'plan_versions.release_id')
    .select([
      'releases.id as release_id',
      'releases.number',
      'releases.title',
      'plan_versions.version',
      'plan_versions.decided_at',
      'plan_versions.updated_at',
      'plan_versions.decision_comment',
    ])
    .where('plan_versions.drafter_id', '=', userId)
    .where('plan_versions.status', '=', 'rejected')
    .where('releases.state', '=', 'planning')
    .orderBy('plan_versions.decided_at')
    .limit(500)
    .execute();
}

/**
 * IN-1: changes in CAB review this user has not voted on and did not request (the requester
 * cannot vote on their own change), longest waiting first.
 */
export async function changesAwaitingVote(q: Q, userId: string) {
  return (
    q
      .selectFrom('changes')
      .select(['id', 'number', 'title', 'submitted_at', 'updated_at'])
      .where('state', '=', 'cab_review')
      // Changes of an external system are voted on there (IN-2).
      .where('source', '=', 'internal')
      .where((eb) => eb.or([eb('requester_id', 'is', null), eb('requester_id', '!=', userId)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('change_votes')
              .select('change_votes.change_id')
              .whereRef('change_votes.change_id', '=', 'changes.id')
              .where('change_votes.voter_id', '=', userId),
          ),
        ),
      )
      .orderBy('submitted_at')
      .limit(500)
      .execute()
  );
}

/**
 * DS-1: software-library versions pending approval that this user did not register (four eyes:
 * who registered a version cannot also approve it), longest waiting first.
 */
export async function dslVersionsAwaitingApproval(q: Q, username: string) {
  return q
    .selectFrom('dsl_versions')
    .select(['id', 'name', 'version', 'updated_at'])
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('created_by', 'is', null), eb('created_by', '!=', username)]))
    .orderBy('updated_at')
    .limit(500)
    .execute();
}
