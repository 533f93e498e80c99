import { FIELDS, RULES, fieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import { notFound, refusal, refused, ROLE_PERMISSIONS, ROLES, type Clock } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import { findCisByIds } from '../cmdb';
import { countEnabledPeopleWithAnyRole } from '../identity';
import type { AuditWriter } from '../audit';
import type { ChangeDeps } from './change.deps';
import {
  alreadyDone,
  assertChange,
  emergencyCabOf,
  tallyCab,
  type CabTally,
  type EmergencyCab,
  type ChangeRisk,
  type ChangeState,
  type ChangeSource,
  type VoteDecision,
  type Winner,
} from '@releasegate/domain';
import * as repo from './change.repository';
import { releasesCarrying } from './change.repository';
import { policyInForce } from '../policy';
import { announceCabReview } from './change.notices';

export type { Change } from './change.repository';

/** IN-1, TY-4: the CAB of the policy in force (PC-1): its quorum, and the emergency CAB's. */
async function cabRules(q: repo.Queryable, clock: Clock) {
  const { rules } = (await policyInForce(q, clock)).document;
  const emergencyCab = emergencyCabOf(rules);
  return { quorums: { cab: rules.cabQuorum, emergencyCab: emergencyCab.quorum }, emergencyCab };
}

/** IN-1: the decision of the current votes on a change, under the policy in force. */
async function tallyOf(q: repo.Queryable, clock: Clock, change: repo.Change, votes: readonly repo.Vote[]) {
  const { quorums, emergencyCab } = await cabRules(q, clock);
  return { tally: tallyCab(votes, quorums, change.emergency), emergencyCab };
}

export const changeLabel = (c: { number: string; title: string }) => `${c.number} ${c.title}`;

/** A change with its CAB votes, its CIs by name and (later) the releases that carry it. */
export interface ChangeDetail extends repo.Change {
  votes: repo.Vote[];
  quorum: Omit<CabTally, 'outcome' | 'expedited' | 'decidedBy'> & {
    /** IN-1: the enabled people who may vote on it (the requester may not). */
    eligible: number;
    /** IN-1, TY-4: for an emergency change, the emergency CAB's count and who sits on it. */
    expedited:
      | (NonNullable<CabTally['expedited']> & { voters: EmergencyCab['voters']; eligible: number })
      | null;
  };
  cis: { id: string; name: string; type: string; environment: string; status: string }[];
  /** PR-4: the releases carrying this change; filled in when the releases module links them. */
  releases: { id: string; number: string; title: string; state: string }[];
}

/** Sorted and without duplicates: the CI set of a change has no order. */
export const normaliseCiIds = (ids: readonly string[] | undefined) => [...new Set(ids ?? [])].sort();

/** Every CI a change names must exist in the CMDB; the error names the unknown ones. */
export async function assertCisExist(q: repo.Queryable, ciIds: readonly string[]): Promise<void> {
  if (ciIds.length === 0) return;
  const found = new Set((await findCisByIds(q, ciIds)).map((ci) => ci.id));
  const unknown = ciIds.filter((id) => !found.has(id));
  if (unknown.length > 0)
    throw refused(
      'invalid_input',
      { code: 'unknown_cis', params: { ids: unknown } },
      { fields: { ciIds: unknown.map((id) => fieldProblem('ci_missing', { id })) } },
    );
}

/** CHG-<year>-<4-digit sequence>, per year, inside the creating transaction. */
export function newChangeNumber(trx: repo.Queryable, now: Date): Promise<string> {
  return repo.nextNumber(trx, now.getUTCFullYear());
}

/** IN-1: the roles whose holders may vote on a change. */
const VOTING_ROLES = ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('change.vote'));

export async function detailOf(q: repo.Queryable, change: repo.Change, clock: Clock): Promise<ChangeDetail> {
  const votes = await repo.votesOf(q, change.id);
  const { tally, emergencyCab } = await tallyOf(q, clock, change, repo.currentVotes(votes));
  // Who could still make the quorum: a CAB with fewer voters than it needs never decides, and
  // the page says so rather than leave the change waiting.
  const requester = { id: change.requesterId, username: change.requester };
  const quorum = {
    required: tally.required,
    approve: tally.approve,
    reject: tally.reject,
    eligible: await countEnabledPeopleWithAnyRole(q, VOTING_ROLES, requester),
    expedited: tally.expedited && {
      ...tally.expedited,
      voters: emergencyCab.voters,
      eligible: await countEnabledPeopleWithAnyRole(
        q,
        emergencyCab.voters.filter((role) => VOTING_ROLES.includes(role)),
        requester,
      ),
    },
  };
  const cis = await findCisByIds(q, change.ciIds);
  return {
    ...change,
    votes,
    quorum,
    cis: cis
      .map((ci) => ({
        id: ci.id,
        name: ci.name,
        type: ci.type,
        environment: ci.environment,
        status: ci.status,
      }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
    // PR-4: each side shows the other.
    releases: await releasesCarrying(q, change.id),
  };
}

export interface CreateChange {
  title: string;
  description?: string | null;
  risk: ChangeRisk;
  ciIds?: string[];
  /** IN-1, TY-4: an emergency change, for the emergency CAB; needs its reason. */
  emergency?: boolean;
  emergencyReason?: string | null;
}

/** IN-1, TY-4: an emergency change says why it cannot wait for the full CAB; others keep no reason. */
function emergencyOf(
  emergency: boolean,
  reason: string | null | undefined,
): Pick<repo.Change, 'emergency' | 'emergencyReason'> {
  if (!emergency) return { emergency: false, emergencyReason: null };
  if (!reason?.trim()) {
    throw refusal(
      'invalid_input',
      'emergency_change_reason',
      { code: 'emergency_change_needs_reason', params: {} },
      { fields: { emergencyReason: [FIELDS.emergency_reason] } },
    );
  }
  return { emergency: true, emergencyReason: reason.trim() };
}

/** IN-2: a change in the built-in register, as a draft, numbered in the same transaction. */
export async function createChange(
  deps: ChangeDeps,
  ctx: RequestContext,
  input: CreateChange,
): Promise<ChangeDetail> {
  const principal = authorize(ctx, 'change.manage');
  const ciIds = normaliseCiIds(input.ciIds);
  return deps.db.kysely.transaction().execute(async (trx) => {
    await assertCisExist(trx, ciIds);
    const now = deps.clock.now();
    const at = now.toISOString();
    const change: repo.Change = {
      id: randomUUID(),
      number: await newChangeNumber(trx, now),
      source: 'internal',
      external: null,
      title: input.title,
      description: input.description ?? null,
      requester: principal.username,
      requesterId: principal.userId,
      risk: input.risk,
      state: 'draft',
      ciIds,
      approvedBy: [],
      approvedAt: null,
      submittedAt: null,
      rejectedAt: null,
      withdrawnBy: null,
      withdrawnAt: null,
      withdrawReason: null,
      implementedAt: null,
      implementedBy: null,
      createdAt: at,
      updatedAt: at,
      ...emergencyOf(input.emergency ?? false, input.emergencyReason),
      approvedVia: null,
    };
    await repo.insertChange(trx, change);
    await deps.audit.record(trx, ctx, {
      action: 'change.create',
      entityType: 'change',
      entityId: change.id,
      after: change,
    });
    return detailOf(trx, change, deps.clock);
  });
}

export interface UpdateChange {
  title?: string;
  description?: string | null;
  risk?: ChangeRisk;
  ciIds?: string[];
  emergency?: boolean;
  emergencyReason?: string | null;
}

/** Edits a draft; once submitted the CAB reviews what was submitted. */
export async function updateChange(
  deps: ChangeDeps,
  ctx: RequestContext,
  id: string,
  patch: UpdateChange,
): Promise<ChangeDetail> {
  authorize(ctx, 'change.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await lockOrThrow(trx, id);
    assertChange(toSubject(before), 'edit', changeLabel(before));
    const ciIds = patch.ciIds === undefined ? before.ciIds : normaliseCiIds(patch.ciIds);
    await assertCisExist(trx, ciIds);
    const after: repo.Change = {
      ...before,
      title: patch.title ?? before.title,
      description: patch.description === undefined ? before.description : patch.description,
      risk: patch.risk ?? before.risk,
      ciIds,
      ...emergencyOf(
        patch.emergency ?? before.emergency,
        patch.emergencyReason === undefined ? before.emergencyReason : patch.emergencyReason,
      ),
      updatedAt: deps.clock.now().toISOString(),
    };
    await repo.updateChange(trx, after, before.ciIds);
    await deps.audit.record(trx, ctx, {
      action: 'change.update',
      entityType: 'change',
      entityId: id,
      before,
      after,
    });
    return detailOf(trx, after, deps.clock);
  });
}

/** Submitting puts the change straight into CAB review. */
export async function submitChange(deps: ChangeDeps, ctx: RequestContext, id: string): Promise<ChangeDetail> {
  const principal = authorize(ctx, 'change.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await lockOrThrow(trx, id);
    assertChange(toSubject(before), 'submit', changeLabel(before));
    const at = deps.clock.now().toISOString();
    const after: repo.Change = { ...before, state: 'cab_review', submittedAt: at, updatedAt: at };
    await repo.updateChange(trx, after, before.ciIds);
    await deps.audit.record(trx, ctx, {
      action: 'change.submit',
      entityType: 'change',
      entityId: id,
      before,
      after,
    });
    await announceCabReview(trx, deps.clock, after, principal);
    return detailOf(trx, after, deps.clock);
  });
}

/**
 * IN-1: a CAB member's vote. A member may change their mind: the new vote is a new row, the
 * earlier one is kept as superseded and audited, and only each member's latest vote counts.
 * When the approvals reach the quorum the change is approved by those voters; when the
 * rejections do, it is rejected. The requester cannot vote on their own change (four eyes).
 */
export async function voteOnChange(
  deps: ChangeDeps,
  ctx: RequestContext,
  id: string,
  input: { decision: VoteDecision; comment: string },
): Promise<ChangeDetail> {
  const principal = authorize(ctx, 'change.vote');
  return deps.db.kysely.transaction().execute(async (trx) => {
    // Locked: concurrent votes are counted one after the other, so the quorum is never missed.
    const before = await lockOrThrow(trx, id);
    // The CAB decides once: a vote arriving after the quorum decided (at the same moment, on
    // another node) is told who decided and when.
    const decided = cabDecision(before, repo.currentVotes(await repo.votesOf(trx, id)));
    if (decided)
      throw alreadyDone(
        {
          code: decided.action === 'approve' ? 'change_already_approved' : 'change_already_rejected',
          params: { change: changeLabel(before), by: decided.by ?? '—', at: decided.at },
        },
        decided,
      );
    assertChange(toSubject(before), 'vote', changeLabel(before));
    if (before.requesterId === principal.userId) {
      throw refusal(
        'policy_violation',
        'change_four_eyes',
        { code: 'requester_cannot_vote', params: { user: principal.username, change: changeLabel(before) } },
        { requester: before.requester },
      );
    }
    const at = deps.clock.now().toISOString();
    const votes = repo.currentVotes(await repo.votesOf(trx, id));
    const { emergencyCab } = await cabRules(trx, deps.clock);
    const previous = votes.find((v) => v.voterId === principal.userId) ?? null;
    const vote: repo.Vote = {
      id: randomUUID(),
      changeId: id,
      voterId: principal.userId,
      voter: principal.username,
      decision: input.decision,
      comment: input.comment,
      votedAt: at,
      supersededBy: null,
      supersededAt: null,
      emergencyCab: before.emergency && emergencyCab.voters.some((r) => principal.roles.includes(r)),
    };
    // A changed mind is a new vote: the earlier one stays on the record, shown as superseded.
    await repo.insertVote(trx, vote);
    await deps.audit.record(trx, ctx, {
      action: previous ? 'change.change_vote' : 'change.vote',
      entityType: 'change',
      entityId: id,
      before: previous,
      after: vote,
      details: { number: before.number, replaced: previous?.id ?? null },
    });

    const current = [...votes.filter((v) => v.voterId !== principal.userId), vote];
    const { tally } = await tallyOf(trx, deps.clock, before, current);
    let after = before;
    if (tally.outcome === 'approved') {
      // Approved by the emergency CAB: its members' approvals are the approval on record.
      const counted = (v: repo.Vote) =>
        v.decision === 'approve' && (tally.decidedBy === 'cab' || v.emergencyCab);
      after = {
        ...before,
        state: 'approved',
        approvedBy: current
          .filter(counted)
          .map((v) => v.voter)
          .sort(),
        approvedAt: at,
        approvedVia: tally.decidedBy,
        updatedAt: at,
      };
    } else if (tally.outcome === 'rejected') {
      after = { ...before, state: 'rejected', rejectedAt: at, updatedAt: at };
    }
    if (after !== before) {
      await repo.updateChange(trx, after, before.ciIds);
      await deps.audit.record(trx, ctx, {
        action: after.state === 'approved' ? 'change.approve' : 'change.reject',
        entityType: 'change',
        entityId: id,
        before,
        after,
        details: {
          quorum: tally.required,
          approve: tally.approve,
          reject: tally.reject,
          decidedBy: tally.decidedBy,
          ...(tally.expedited && { emergencyCab: tally.expedited }),
        },
      });
    }
    return detailOf(trx, after, deps.clock);
  });
}

/** IN-1: the CAB's decision on a built-in change once its quorum approved or rejected it. */
function cabDecision(c: repo.Change, votes: repo.Vote[]): Winner | undefined {
  if (c.source !== 'internal' || c.state === 'cab_review') return undefined;
  if (c.approvedAt)
    return { rule: RULES.cab_approval, action: 'approve', by: c.approvedBy.join(', '), at: c.approvedAt };
  if (c.state === 'rejected' && c.rejectedAt)
    return {
      rule: RULES.cab_approval,
      action: 'reject',
      by: votes
        .filter((v) => v.decision === 'reject')
        .map((v) => v.voter)
        .sort()
        .join(', '),
      at: c.rejectedAt,
    };
  return undefined;
}

/** Withdraws a change, also after its approval ("revoked"): a release carrying it is then blocked (IN-2). */
export async function withdrawChange(
  deps: ChangeDeps,
  ctx: RequestContext,
  id: string,
  reason: string,
): Promise<ChangeDetail> {
  const principal = authorize(ctx, 'change.manage');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await lockOrThrow(trx, id);
    if (before.state === 'withdrawn' && before.withdrawnAt)
      throw alreadyDone(
        {
          code: 'change_already_withdrawn',
          params: { change: changeLabel(before), by: before.withdrawnBy ?? '—', at: before.withdrawnAt },
        },
        {
          rule: RULES.withdrawn_once,
          action: 'withdraw',
          by: before.withdrawnBy,
          at: before.withdrawnAt,
        },
      );
    assertChange(toSubject(before), 'withdraw', changeLabel(before));
    const at = deps.clock.now().toISOString();
    const after: repo.Change = {
      ...before,
      state: 'withdrawn',
      withdrawnBy: principal.username,
      withdrawnAt: at,
      withdrawReason: reason,
      updatedAt: at,
    };
    await repo.updateChange(trx, after, before.ciIds);
    await deps.audit.record(trx, ctx, {
      action: 'change.withdraw',
      entityType: 'change',
      entityId: id,
      before,
      after,
      details: { wasApproved: before.state === 'approved' },
    });
    return detailOf(trx, after, deps.clock);
  });
}

/**
 * For the releases module, inside its own transaction: an approved change carried by a release
 * that was implemented becomes implemented. `by` names the release (e.g. its number).
 */
export async function markChangeImplemented(
  deps: { clock: ChangeDeps['clock']; audit: AuditWriter },
  trx: repo.Queryable,
  ctx: RequestContext,
  id: string,
  by: string,
): Promise<repo.Change> {
  const before = await lockOrThrow(trx, id);
  assertChange(toSubject(before), 'implement', changeLabel(before));
  const at = deps.clock.now().toISOString();
  const after: repo.Change = {
    ...before,
    state: 'implemented',
    implementedAt: at,
    implementedBy: by,
    updatedAt: at,
  };
  await repo.updateChange(trx, after, before.ciIds);
  await deps.audit.record(trx, ctx, {
    action: 'change.implement',
    entityType: 'change',
    entityId: id,
    before,
    after,
  });
  return after;
}

/** A page of the change register (keyset), with how many changes match the filter. */
export async function listChanges(
  deps: ChangeDeps,
  ctx: RequestContext,
  filter: { state?: ChangeState; source?: ChangeSource; text?: string },
  page: PageRequest<repo.ChangeSort>,
): Promise<Page<repo.Change>> {
  authorize(ctx, 'change.read');
  const position = openPage(page, filter, repo.changeKeys(page.sort));
  const q = deps.db.kysely;
  return withTotal(repo.pageChanges(q, filter, position), repo.countChanges(q, filter));
}

export async function getChange(deps: ChangeDeps, ctx: RequestContext, id: string): Promise<ChangeDetail> {
  authorize(ctx, 'change.read');
  return detailOf(deps.db.kysely, await load(deps.db.kysely, id), deps.clock);
}

async function load(q: repo.Queryable, id: string): Promise<repo.Change> {
  const change = await repo.findChange(q, id);
  if (!change) throw notFound('change', id);
  return change;
}

/** Reads a change inside a transaction and holds it until commit (no lost updates). */
async function lockOrThrow(trx: repo.Queryable, id: string): Promise<repo.Change> {
  const change = await repo.lockChange(trx, id);
  if (!change) throw notFound('change', id);
  return change;
}

const toSubject = (c: repo.Change) => ({
  state: c.state,
  source: c.source,
  externalSystem: c.external?.system ?? null,
});
