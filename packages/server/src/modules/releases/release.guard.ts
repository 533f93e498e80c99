import {
  DomainError,
  blockersOf,
  type ReleaseAction,
  type PolicyRules,
  type ReleaseFacts,
} from '@releasegate/domain';
import type { Principal } from '../../context';

/**
 * Refuses an action the lifecycle table does not allow, naming every rule it breaks: a wrong
 * state is an invalid transition, a wrong role is forbidden, anything else a policy violation.
 */
export function assertAllowed(
  action: ReleaseAction,
  facts: ReleaseFacts,
  principal: Principal,
  rules: PolicyRules,
  label: string,
): void {
  const blockers = blockersOf(action, facts, principal, rules);
  if (blockers.length === 0) return;
  const first =
    blockers.find((b) => b.kind === 'state') ?? blockers.find((b) => b.kind === 'role') ?? blockers[0];
  const code =
    first.kind === 'state' ? 'invalid_transition' : first.kind === 'role' ? 'forbidden' : 'policy_violation';
  throw new DomainError(
    code,
    `Cannot ${action.replace(/_/g, ' ')} ${label}: ${blockers.map((b) => `${b.reason} (${b.rule})`).join('; ')}`,
    {
      rule: first.rule,
      action,
      blockers,
      ...(first.missing && { missing: first.missing }),
    },
    blockers,
  );
}
