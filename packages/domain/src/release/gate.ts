import { renderReason, requirementOf, ruleName, type Reason, type RuleCode } from '@releasegate/messages';
import type { ReleaseState } from './lifecycle';

/**
 * PR-1, PR-5, IM-7: the deployment gate. A deployment of these artifact digests to this
 * environment at this time is allowed only when every check holds; the answer lists them all.
 */
export interface GateFacts {
  releaseNumber: string;
  state: ReleaseState;
  /** Null when implementation starts: every planned artifact is checked, for any environment. */
  environment: string | null;
  at: string;
  window: { start: string; end: string } | null;
  /** Freeze windows covering `at`, by name. */
  activeFreezes: string[];
  /** What the plan's software items deliver: digest → the DSL version and the environments of the CIs it changes. */
  approvedArtifacts: Map<string, { label: string; state: string; environments: string[] }>;
  /** Null when implementation starts (see `environment`). */
  digests: string[] | null;
  unapprovedChanges: string[];
  pendingChecks: string[];
}

/** One check of the gate: its rule and what was found, as codes and parameters (see Blocker). */
export interface GateCheck {
  code: RuleCode;
  requirement: string | null;
  ok: boolean;
  reasonCode: Reason['code'];
  params: Reason['params'];
  /** The rule and the finding in English, rendered from the catalog. */
  rule: string;
  message: string;
}

export interface GateAnswer {
  allowed: boolean;
  checks: GateCheck[];
}

export function gateDecision(f: GateFacts): GateAnswer {
  const checks: GateCheck[] = [];
  const check = (rule: RuleCode, ok: boolean, why: Reason) =>
    checks.push({
      code: rule,
      requirement: requirementOf(rule),
      ok,
      reasonCode: why.code,
      params: why.params,
      rule: ruleName('en', rule),
      message: renderReason('en', why),
    });
  const ready = f.state === 'ready' || f.state === 'implementing';
  const release = f.releaseNumber;
  check(
    'approved_plan_verified',
    ready,
    ready
      ? { code: 'gate_release_ready', params: { release, state: f.state } }
      : { code: 'gate_release_not_ready', params: { release, state: f.state } },
  );
  const inWindow = !!f.window && f.at >= f.window.start && f.at < f.window.end;
  check(
    'window_open',
    inWindow,
    f.window
      ? {
          code: inWindow ? 'gate_inside_window' : 'gate_outside_window',
          params: { start: f.window.start, end: f.window.end },
        }
      : { code: 'gate_no_window', params: {} },
  );
  check(
    'no_freeze',
    f.activeFreezes.length === 0,
    f.activeFreezes.length
      ? { code: 'gate_freeze', params: { freezes: f.activeFreezes } }
      : { code: 'gate_no_freeze', params: {} },
  );
  if (f.digests === null) {
    for (const a of f.approvedArtifacts.values())
      check('approved_versions_only', a.state === 'approved', {
        code: 'gate_version_state',
        params: { label: a.label, state: a.state },
      });
  } else if (f.digests.length === 0)
    check('approved_versions_only', false, { code: 'gate_no_digest', params: {} });
  for (const digest of f.digests ?? []) {
    const a = f.approvedArtifacts.get(digest);
    if (!a) check('approved_versions_only', false, { code: 'gate_digest_not_planned', params: { digest } });
    else if (a.state !== 'approved')
      check('approved_versions_only', false, {
        code: 'gate_digest_not_approved',
        params: { digest, label: a.label, state: a.state },
      });
    else if (f.environment !== null && !a.environments.includes(f.environment))
      check(
        'approved_versions_only',
        false,
        a.environments.length
          ? {
              code: 'gate_wrong_environment',
              params: { label: a.label, environments: a.environments, environment: f.environment },
            }
          : { code: 'gate_no_environment', params: { label: a.label, environment: f.environment } },
      );
    else
      check('approved_versions_only', true, {
        code: 'gate_digest_approved',
        params: {
          digest,
          label: a.label,
          environments: f.environment !== null ? [f.environment] : a.environments,
        },
      });
  }
  check(
    'changes_still_approved',
    f.unapprovedChanges.length === 0,
    f.unapprovedChanges.length
      ? { code: 'changes_no_longer_approved', params: { changes: f.unapprovedChanges } }
      : { code: 'gate_changes_approved', params: {} },
  );
  check(
    'pre_release_checks_passed',
    f.pendingChecks.length === 0,
    f.pendingChecks.length
      ? { code: 'gate_checks_pending', params: { checks: f.pendingChecks } }
      : { code: 'gate_checks_passed', params: {} },
  );
  return { allowed: checks.every((c) => c.ok), checks };
}
