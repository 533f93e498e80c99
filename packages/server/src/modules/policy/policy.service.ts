import { RULES, FIELDS, type FieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  XDYJ_06_01_V1,
  policyInvariantViolations,
  alreadyDone,
  invalidFields,
  notFound,
  refusal,
  refused,
  type PolicyDocument,
  type PolicyRules,
} from '@releasegate/domain';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import type { AuditWriter } from '../audit';
import { authorize } from '../../authorize';
import * as repo from './policy.repository';
import { lockAcrossNodes } from '../../db/locks';

export interface PolicyDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
}

const today = (clock: Clock) => clock.now().toISOString().slice(0, 10);

/** Seeds XDYJ-06-01 V1.0 as the approved policy on a database that has none. */
export async function ensureDefaultPolicy(deps: PolicyDeps, ctx: RequestContext): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    // Nodes starting together on a new database seed it once: the others then find it seeded.
    await lockAcrossNodes(trx, deps.db.dialect, 'seed.policy');
    if ((await repo.listPolicies(trx)).length > 0) return;
    const now = deps.clock.now().toISOString();
    const v: repo.PolicyVersion = {
      id: randomUUID(),
      status: 'approved',
      effectiveDate: XDYJ_06_01_V1.effectiveDate,
      document: XDYJ_06_01_V1,
      createdBy: 'system',
      createdAt: now,
      approvedBy: XDYJ_06_01_V1.approver,
      // Approved when the document says (审批时间), midnight in Beijing; entered here at install.
      approvedAt: new Date(
        `${XDYJ_06_01_V1.revisions.at(-1)?.date ?? XDYJ_06_01_V1.effectiveDate}T00:00:00+08:00`,
      ).toISOString(),
    };
    await repo.insertPolicy(trx, v);
    await deps.audit.record(trx, ctx, {
      action: 'policy.seed',
      entityType: 'policy_version',
      entityId: v.id,
      details: { number: v.document.number, version: v.document.version },
    });
  });
}

/** PC-1: the policy in force now; releases started now run under it. */
export async function policyInForce(q: Kysely<Database>, clock: Clock): Promise<repo.PolicyVersion> {
  const v = await repo.policyInForce(q, today(clock));
  if (!v) throw refusal('conflict', 'policy_in_force', { code: 'no_policy_in_force', params: {} });
  return v;
}

export async function currentPolicy(deps: PolicyDeps, ctx: RequestContext) {
  authorize(ctx, 'policy.read');
  return policyInForce(deps.db.kysely, deps.clock);
}

export async function listPolicyVersions(deps: PolicyDeps, ctx: RequestContext) {
  authorize(ctx, 'policy.read');
  return repo.listPolicies(deps.db.kysely);
}

export async function getPolicyVersion(deps: PolicyDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'policy.read');
  const v = await repo.findPolicy(deps.db.kysely, id);
  if (!v) throw notFound('policy_version', id);
  return v;
}

/** Drafts a new version of the policy: new rules, a version number, the date it takes effect and what changed. */
export async function draftPolicyVersion(
  deps: PolicyDeps,
  ctx: RequestContext,
  input: { version: string; effectiveDate: string; change: string; rules: PolicyRules },
): Promise<repo.PolicyVersion> {
  const principal = authorize(ctx, 'policy.draft');
  assertInvariantsHold(input.rules);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const base = await policyInForce(trx, deps.clock);
    if (await repo.findPolicyByVersion(trx, base.document.number, input.version)) {
      throw refused(
        'conflict',
        { code: 'policy_version_exists', params: { policy: `${base.document.number} ${input.version}` } },
        { fields: { version: [FIELDS.already_exists] } },
      );
    }
    if (input.effectiveDate < today(deps.clock)) {
      throw invalidFields({ effectiveDate: [FIELDS.today_or_later] });
    }
    const document: PolicyDocument = {
      ...base.document,
      version: input.version,
      effectiveDate: input.effectiveDate,
      approver: '',
      revisions: [
        ...base.document.revisions,
        { date: input.effectiveDate, version: input.version, change: input.change, approver: '' },
      ],
      rules: input.rules,
    };
    const v: repo.PolicyVersion = {
      id: randomUUID(),
      status: 'draft',
      effectiveDate: input.effectiveDate,
      document,
      createdBy: principal.username,
      createdAt: deps.clock.now().toISOString(),
      approvedBy: null,
      approvedAt: null,
    };
    await repo.insertPolicy(trx, v);
    await deps.audit.record(trx, ctx, {
      action: 'policy.draft',
      entityType: 'policy_version',
      entityId: v.id,
      before: base.document.rules,
      after: document,
    });
    return v;
  });
}

/** PC-1: the operations manager approves a drafted version; it takes effect on its date. */
export async function approvePolicyVersion(
  deps: PolicyDeps,
  ctx: RequestContext,
  id: string,
): Promise<repo.PolicyVersion> {
  const principal = authorize(ctx, 'policy.manage');
  if (!principal.roles.includes('operations_manager')) {
    throw refusal(
      'forbidden',
      'manager_maintains_policy',
      { code: 'needs_roles', params: { roles: ['operations_manager'] } },
      { permission: 'policy.manage' },
    );
  }
  return deps.db.kysely.transaction().execute(async (trx) => {
    const v = await repo.lockPolicy(trx, id);
    if (!v) throw notFound('policy_version', id);
    // Approved once: a second approval (another manager at the same moment) is told whose counts.
    if (v.status !== 'draft')
      throw alreadyDone(
        {
          code: 'policy_already_approved',
          params: {
            policy: `${v.document.number} ${v.document.version}`,
            by: v.approvedBy ?? '—',
            at: v.approvedAt ?? v.createdAt,
          },
        },
        {
          rule: RULES.policy_approval,
          action: 'approve',
          by: v.approvedBy,
          at: v.approvedAt ?? v.createdAt,
        },
      );
    // Four eyes on the rules every release runs under: nobody approves their own draft.
    if (v.createdBy === principal.username)
      throw refusal(
        'forbidden',
        'policy_four_eyes',
        { code: 'policy_drafter_cannot_approve', params: {} },
        { drafter: v.createdBy },
      );
    assertInvariantsHold(v.document.rules);
    const at = deps.clock.now().toISOString();
    const revisions = v.document.revisions.map((r) =>
      r.version === v.document.version ? { ...r, approver: principal.displayName } : r,
    );
    const document = { ...v.document, approver: principal.displayName, revisions };
    if (!(await repo.approvePolicy(trx, id, principal.username, at, document)))
      throw refusal('conflict', 'policy_approval', {
        code: 'changed_meanwhile_reload',
        params: { name: `${v.document.number} ${v.document.version}` },
      });
    await deps.audit.record(trx, ctx, {
      action: 'policy.approve',
      entityType: 'policy_version',
      entityId: id,
      after: { version: document.version, effectiveDate: v.effectiveDate },
    });
    return { ...v, status: 'approved' as const, approvedBy: principal.username, approvedAt: at, document };
  });
}

/** PC-1: a version that breaks what no version may break is refused with every reason, per field. */
function assertInvariantsHold(rules: PolicyRules) {
  const violations = policyInvariantViolations(rules);
  if (violations.length === 0) return;
  const fields: Record<string, FieldProblem[]> = {};
  for (const v of violations) (fields[v.field] ??= []).push(v.problem);
  throw invalidFields(fields, { rule: violations[0].rule, violations }, 'policy_violation');
}
