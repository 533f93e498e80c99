import { z } from 'zod';

/**
 * What waits for the user. Release tasks are named after the lifecycle action that moves the
 * release on (accept, approve_plan, …; `close` for the manager's close); the others after what
 * is asked: a returned plan to revise, a change to vote on, a software version to approve.
 */
export const TASK_KINDS = [
  'decide_rollback',
  'accept',
  'classify',
  'revise_returned_plan',
  'edit_plan',
  'submit_plan',
  'approve_plan',
  'record_check',
  'start_implementation',
  'record_step',
  'complete_implementation',
  'fail_rollback',
  'record_rollback_step',
  'verify_restoration',
  'complete_rollback',
  'complete_cmdb_update',
  'record_verification',
  'sign_acceptance',
  'complete_plan',
  'approve_completion',
  'review_emergency',
  'archive',
  'close',
  'vote_change',
  'approve_dsl_version',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const taskView = z.object({
  /** Stable across refreshes: the object and the kind. */
  id: z.string(),
  kind: z.enum(TASK_KINDS),
  object: z.enum(['release', 'change', 'dsl_version']),
  objectId: z.string(),
  /** The object's number and title (a software version: name and version). */
  title: z.string(),
  /** Where to do it in the web app, e.g. /releases/<id>?tab=plan. */
  link: z.string(),
  /** Since when it waits (ISO). */
  since: z.string(),
  /** The deadline where the policy sets one (rollback decision, CMDB update), else null. */
  dueAt: z.string().nullable(),
  /** A line of context: the trigger, the approver's comment on a returned plan. */
  note: z.string().nullable(),
});

export const myTasks = z.object({
  tasks: z.array(taskView),
  /** How many there are in all; at most `limit` are listed. */
  total: z.number().int(),
  limit: z.number().int(),
  /** The server's time, so relative times and deadlines follow it rather than the browser's clock. */
  now: z.string(),
});
