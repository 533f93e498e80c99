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

export interface GateCheck {
  rule: string;
  ok: boolean;
  message: string;
}

export interface GateAnswer {
  allowed: boolean;
  checks: GateCheck[];
}

export function gateDecision(f: GateFacts): GateAnswer {
  const checks: GateCheck[] = [];
  const check = (rule: string, ok: boolean, message: string) => checks.push({ rule, ok, message });
  const ready = f.state === 'ready' || f.state === 'implementing';
  check(
    'PR-1 approved plan, verified',
    ready,
    ready
      ? `${f.releaseNumber} is ${f.state}`
      : `${f.releaseNumber} is ${f.state}, not ready or implementing`,
  );
  const inWindow = !!f.window && f.at >= f.window.start && f.at < f.window.end;
  check(
    'PR-1 window open',
    inWindow,
    f.window
      ? `${inWindow ? 'inside' : 'outside'} the planned window ${f.window.start} – ${f.window.end}`
      : 'the plan has no window',
  );
  check(
    'PL-5 no freeze',
    f.activeFreezes.length === 0,
    f.activeFreezes.length ? `freeze in force: ${f.activeFreezes.join(', ')}` : 'no freeze window in force',
  );
  if (f.digests === null) {
    for (const a of f.approvedArtifacts.values())
      check(
        'PR-5 approved versions only',
        a.state === 'approved',
        `${a.label} is ${a.state} in the software library`,
      );
  } else if (f.digests.length === 0) check('PR-5 approved versions only', false, 'no artifact digest given');
  for (const digest of f.digests ?? []) {
    const a = f.approvedArtifacts.get(digest);
    if (!a)
      check('PR-5 approved versions only', false, `${digest} is not a software item of the approved plan`);
    else if (a.state !== 'approved')
      check(
        'PR-5 approved versions only',
        false,
        `${digest} is ${a.label}, which is ${a.state} in the software library`,
      );
    else if (f.environment !== null && !a.environments.includes(f.environment))
      check(
        'PR-5 approved versions only',
        false,
        `${a.label} is planned for ${a.environments.join(', ') || 'no environment'}, not ${f.environment}`,
      );
    else
      check(
        'PR-5 approved versions only',
        true,
        `${digest} is ${a.label}, approved and planned for ${f.environment ?? a.environments.join(', ')}`,
      );
  }
  check(
    'IN-2 changes still approved',
    f.unapprovedChanges.length === 0,
    f.unapprovedChanges.length
      ? `no longer approved: ${f.unapprovedChanges.join(', ')}`
      : 'every change is approved',
  );
  check(
    'IM-1 pre-release verification passed',
    f.pendingChecks.length === 0,
    f.pendingChecks.length ? `not passed: ${f.pendingChecks.join(', ')}` : 'every pre-release check passed',
  );
  return { allowed: checks.every((c) => c.ok), checks };
}
