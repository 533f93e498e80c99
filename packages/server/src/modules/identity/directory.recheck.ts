import { RULES } from '@releasegate/messages';
import { groupCollisions, refusal, rolesFromGroups } from '@releasegate/domain';
import { notify } from '../notifications';
import { systemContext, type RequestContext } from '../../context';
import { enqueueJob } from '../../jobs/job.repository';
import type { JobHandler } from '../../jobs/job.runner';
import { slotAfter } from '../../jobs/schedule';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { applyMappedRoles } from './directory.service';

const iso = (d: Date) => d.toISOString();

/** What a re-check did: how many accounts it asked about, whom it disabled, whose roles changed. */
export interface RecheckResult {
  checked: number;
  disabled: string[];
  rolesChanged: string[];
  /** OIDC accounts the provider gave no refresh token for: they end with their sessions. */
  unchecked: string[];
}

/** What the directory or provider says of one account now. */
export type RecheckFinding =
  | { gone: 'not_in_directory' | 'entry_replaced' | 'provider_refused' }
  | { displayName?: string; email?: string | null; groups: string[] | null };

/** What the sources said in one re-check, before anything is changed. */
export interface RecheckRun {
  findings: { user: repo.User; finding: RecheckFinding }[];
  unchecked: string[];
}

/** A directory or provider that does not answer removes nobody; the attempt is on the record. */
export async function recordUnavailable(
  deps: IdentityDeps,
  ctx: RequestContext,
  reason: 'directory_unavailable' | 'provider_unavailable',
  error: string,
): Promise<void> {
  await deps.db.kysely.transaction().execute((trx) =>
    deps.audit.record(trx, ctx, {
      action: 'identity.directory_recheck',
      entityType: 'directory',
      outcome: 'denied',
      details: { reason, error, rule: RULES.x4_directory_recheck },
    }),
  );
}

/**
 * X-4 / RO-1: acts on what the re-check learnt of one account, in one transaction. Gone from the
 * directory (or refused by the provider): disabled here, every session and API token ended.
 * Still there: name, e-mail and groups refreshed and the roles set from the mapping — unless the
 * mapping now breaks separation of duties for them, which leaves their roles as they were and is
 * recorded for the security administrator rather than disabling someone for a mapping mistake.
 */
async function applyRecheckFinding(
  deps: IdentityDeps,
  ctx: RequestContext,
  user: repo.User,
  finding: RecheckFinding,
  /** The group → role mapping of the user's source, read once for the whole re-check. */
  rules: readonly repo.GroupRoleMapping[],
  result: RecheckResult,
): Promise<void> {
  result.checked++;
  await deps.db.kysely.transaction().execute(async (trx) => {
    const now = iso(deps.clock.now());
    const current = await repo.findUserById(trx, user.id);
    if (!current || current.disabled) return;
    if ('gone' in finding) {
      await repo.updateUser(trx, user.id, { disabled: true, directoryCheckedAt: now, updatedAt: now });
      await repo.setDirectoryRefreshToken(trx, user.id, null);
      const sessions = await repo.revokeUserSessions(trx, user.id, now, 'directory_removed');
      const tokens = await repo.revokeUserApiTokens(trx, user.id, now);
      await deps.audit.record(trx, ctx, {
        action: 'identity.directory_recheck',
        entityType: 'user',
        entityId: user.id,
        before: { disabled: false },
        after: { disabled: true },
        details: {
          reason: finding.gone,
          source: user.source,
          sessionsRevoked: sessions,
          tokensRevoked: tokens,
          rule: RULES.x4_directory_recheck,
        },
      });
      result.disabled.push(user.username);
      return;
    }
    await repo.updateUser(trx, user.id, {
      ...(finding.displayName !== undefined && { displayName: finding.displayName }),
      ...(finding.email !== undefined && { email: finding.email }),
      ...(finding.groups && { directoryGroups: finding.groups }),
      directoryCheckedAt: now,
      updatedAt: now,
    });
    if (!finding.groups) return;
    const mapped = rolesFromGroups(finding.groups, rules);
    if (groupCollisions(mapped).length > 0) {
      await deps.audit.record(trx, ctx, {
        action: 'identity.directory_roles_apply',
        entityType: 'user',
        entityId: user.id,
        outcome: 'denied',
        details: {
          reason: 'groups_collide',
          collisions: groupCollisions(mapped),
          rule: RULES.separation_of_duties,
        },
      });
      return;
    }
    const before = current.roles.join();
    await applyMappedRoles(deps, trx, ctx, current, mapped.roles, finding.groups);
    if (mapped.roles.join() !== before) result.rolesChanged.push(user.username);
  });
}

/** Anything that can look its users up again: LDAP with a search, OIDC with refresh tokens. */
export type Rechecker = (deps: IdentityDeps, ctx: RequestContext, run: RecheckRun) => Promise<void>;

const tooManyRemovals = (count: number, max: number) =>
  refusal(
    'policy_violation',
    'x4_directory_recheck',
    { code: 'too_many_removals', params: { count, max } },
    { reason: 'too_many_removals', count, max },
  );

/**
 * Every directory account looked up again, LDAP then OIDC; then what was found is applied, one
 * account per transaction. Guarded like a directory synchronisation's "accidental deletes":
 * when more than DIRECTORY_RECHECK_MAX_REMOVALS accounts would be disabled at once — a service
 * account that lost its read rights sees nobody, and would otherwise lock the whole department
 * out — nobody is disabled (the rest is applied), the refusal is audited and the security
 * administrators are told; one of them confirms the removals from "re-check now". A source that
 * does not answer throws 503 after the other sources were applied.
 */
export async function recheckDirectory(
  deps: IdentityDeps,
  ctx: RequestContext,
  recheckers: readonly Rechecker[],
  options: { confirmRemovals?: boolean } = {},
): Promise<RecheckResult> {
  const run: RecheckRun = { findings: [], unchecked: [] };
  let failure: Error | null = null;
  for (const recheck of recheckers) {
    try {
      await recheck(deps, ctx, run);
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
  }
  const max = deps.settings.directory.recheckMaxRemovals;
  const removals = run.findings.filter(({ finding }) => 'gone' in finding);
  // Everyone gone at once (two or more) is held too, however few: a directory answers so when it
  // is misconfigured far more often than when the department has left.
  const everyone = removals.length >= 2 && removals.length === run.findings.length;
  const held = (removals.length > max || everyone) && !options.confirmRemovals;
  const result: RecheckResult = { checked: 0, disabled: [], rolesChanged: [], unchecked: run.unchecked };
  const rules = await repo.listGroupRoleMappings(deps.db.kysely);
  for (const { user, finding } of run.findings) {
    if (held && 'gone' in finding) continue;
    const own = rules.filter((r) => r.source === user.source);
    await applyRecheckFinding(deps, ctx, user, finding, own, result);
  }
  if (held) {
    const refusal = tooManyRemovals(removals.length, max);
    await deps.db.kysely.transaction().execute(async (trx) => {
      await deps.audit.record(trx, ctx, {
        action: 'identity.directory_recheck',
        entityType: 'directory',
        outcome: 'denied',
        details: {
          ...(refusal.details as Record<string, unknown>),
          usernames: removals.map(({ user }) => user.username),
        },
      });
      await notify(trx, deps.clock, {
        kind: 'security_alert',
        title: {
          zh: `目录复核暂停：将停用 ${removals.length} 个账户`,
          en: `Directory re-check held: ${removals.length} accounts would be disabled`,
        },
        body: {
          zh: `目录复核发现 ${removals.length} 个账户已不在目录中（上限 ${max}），为防误删未停用任何账户。请检查目录和服务账户的读取权限，确认无误后在「目录与角色映射」中确认停用。`,
          en: `The directory re-check found ${removals.length} accounts no longer in the directory (limit ${max}) and, against accidental removal, disabled none. Check the directory and the service account's read rights, then confirm the removals under Directory and roles.`,
        },
        link: '/admin/users',
        audience: { roles: ['security_administrator'] },
      });
    });
    throw refusal;
  }
  if (failure) throw failure;
  return result;
}

export const DIRECTORY_RECHECK_JOB = 'identity.directory_recheck';

/**
 * the re-check every DIRECTORY_RECHECK_MINUTES, run by one node (the job is leased) and
 * enqueued again for the next slot, so a person removed from the directory loses their sessions
 * and tokens within that time. A directory that does not answer is retried with backoff.
 */
export function directoryRecheckSchedule(deps: IdentityDeps, recheckers: readonly Rechecker[]) {
  const minutes = deps.settings.directory.recheckMinutes;
  const enqueue = (dueAt: Date) =>
    enqueueJob(deps.db.kysely, {
      kind: DIRECTORY_RECHECK_JOB,
      key: `${DIRECTORY_RECHECK_JOB}:${dueAt.toISOString()}`,
      dueAt: dueAt.toISOString(),
      payload: {},
    });
  return {
    start: async () => {
      const { ldap, oidc } = deps.settings.directory;
      if (ldap || oidc) await enqueue(slotAfter(deps.clock.now(), minutes));
    },
    handler: {
      external: async (job) => {
        // The next slot first: a directory down for longer than this job's retries must not
        // end the schedule.
        await enqueue(slotAfter(deps.clock.now(), minutes));
        await recheckDirectory(deps, systemContext(`job:${job.id}`), recheckers);
      },
    } satisfies JobHandler,
  };
}
