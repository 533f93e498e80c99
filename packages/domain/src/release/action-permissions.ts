import { permissionsOf, type Permission } from '../identity/permissions';
import type { Role } from '../identity/roles';
import type { ReleaseType } from '../policy/policy';
import type { Actor, ReleaseAction } from './lifecycle';

/**
 * The permission each lifecycle action needs, besides the role the transition table (and the
 * policy) names: any one of the listed permissions suffices. Roles say who the policy lets act;
 * permissions are what an API token's scopes narrow, so a token that lacks the permission is
 * refused even when its owner holds the role (X-4: scoped tokens).
 */
const approve = (type: ReleaseType | null): Permission[] =>
  type
    ? [`release.approve.${type}`]
    : ['release.approve.normal', 'release.approve.major', 'release.approve.emergency'];

export const ACTION_PERMISSIONS: Record<ReleaseAction, (type: ReleaseType | null) => readonly Permission[]> =
  {
    accept: () => ['release.accept'],
    reject: () => ['release.accept'],
    classify: () => ['release.plan'],
    edit_plan: () => ['release.plan'],
    submit_plan: () => ['release.plan'],
    approve_plan: approve,
    reject_plan: approve,
    revise_plan: () => ['release.plan'],
    complete_plan: () => ['release.plan'],
    approve_completion: () => ['release.approve.emergency'],
    review_emergency: () => ['release.plan'],
    record_check: () => ['release.implement'],
    start_implementation: () => ['release.implement'],
    record_step: () => ['release.implement'],
    complete_implementation: () => ['release.implement'],
    record_monitoring: () => ['release.implement'],
    raise_trigger: () => ['release.trigger'],
    decide_rollback: () => ['release.rollback.decide'],
    decide_continue: () => ['release.rollback.decide'],
    record_rollback_step: () => ['release.implement'],
    // RB-4: the configuration administrator compares the CMDB with the baseline, too.
    verify_restoration: () => ['release.implement', 'cmdb.write'],
    complete_rollback: () => ['release.implement'],
    fail_rollback: () => ['release.close'],
    record_verification: () => ['release.implement'],
    sign_acceptance: () => ['acceptance.sign'],
    complete_cmdb_update: () => ['cmdb.write'],
    archive: () => ['release.plan'],
    close_successful: () => ['release.close'],
    close_failed: () => ['release.close'],
    close_rolled_back: () => ['release.close'],
    cancel: () => ['release.cancel'],
  };

/** Every permission that lets some caller take the action, whatever the release's type. */
export function anyPermissionFor(action: ReleaseAction): readonly Permission[] {
  return ACTION_PERMISSIONS[action](null);
}

/** A person acting with every permission of their roles (a session, not a narrowed token). */
export function actorWithRoles(userId: string, roles: readonly Role[]): Actor {
  return { userId, roles, permissions: permissionsOf(roles) };
}
