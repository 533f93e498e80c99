import { RULES } from '@releasegate/messages';
import { DomainError, rolesFromGroups, groupCollisions, sameGroup } from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { systemContext, type RequestContext } from '../../context';
import { enqueueJob } from '../../jobs/job.repository';
import type { JobHandler } from '../../jobs/job.runner';
import { slotAfter } from '../../jobs/schedule';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { authenticate, DirectoryUnavailable, lookUp, type DirectoryEntry } from './ldap.client';
import { applyMappedRoles, signInFromDirectory, type DirectoryIdentity } from './directory.service';
import {
  countFailure,
  wrongCredentials,
  type ClientInfo,
  type SecondFactorPending,
  type SignedIn,
} from './sign-in';

const iso = (d: Date) => d.toISOString();

const directoryUnavailable = () =>
  new DomainError('unavailable', 'The company directory does not answer; try again in a moment', {
    rule: RULES.x4_directory_sign_in,
    reason: 'directory_unavailable',
  });

const toIdentity = (entry: DirectoryEntry): DirectoryIdentity => ({
  source: 'ldap',
  externalId: entry.dn,
  username: entry.username,
  displayName: entry.displayName,
  email: entry.email,
  groups: entry.groups,
  providerMfa: false,
});

/**
 * a sign-in with a directory password. The directory checks the password; a lock, a
 * disabled account and every refusal are ours, recorded like a local sign-in's, with the same
 * answer for an unknown name and a wrong password. A user the directory knows signs in through
 * signInFromDirectory (account on first sign-in, roles from groups).
 */
export async function ldapSignIn(
  deps: IdentityDeps,
  ctx: RequestContext,
  input: { username: string; password: string },
  client: ClientInfo,
): Promise<SignedIn | SecondFactorPending> {
  const settings = deps.settings.directory.ldap!;
  const known = await repo.findUserByUsername(deps.db.kysely, input.username);
  const record = async (trx: Kysely<Database>, reason: string, details: Record<string, unknown> = {}) => {
    await deps.audit.record(trx, ctx, {
      action: 'identity.login',
      entityType: 'user',
      entityId: known?.id ?? null,
      outcome: 'denied',
      actorName: input.username,
      details: { reason, source: 'ldap', ...details },
    });
  };
  const refuse = (reason: string, details?: Record<string, unknown>) =>
    deps.db.kysely.transaction().execute((trx) => record(trx, reason, details));

  if (known?.lockedUntil && known.lockedUntil > iso(deps.clock.now())) {
    // The directory is not even asked: a lock stops password guessing through us.
    await refuse('locked', { lockedUntil: known.lockedUntil });
    throw wrongCredentials();
  }
  let answer: Awaited<ReturnType<typeof authenticate>>;
  try {
    answer = await authenticate(settings, input.username, input.password);
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    await refuse('directory_unavailable', { error: error.message });
    throw directoryUnavailable();
  }
  if (answer.kind !== 'ok') {
    if (answer.kind === 'wrong_password' && known) {
      await deps.db.kysely
        .transaction()
        .execute((trx) =>
          countFailure(deps, trx, ctx, known, input.username, ({ attempts, lock }) =>
            record(trx, 'bad_password', { attempts, locked: lock }),
          ),
        );
    } else await refuse(answer.kind === 'unknown' ? 'unknown_user' : 'bad_password');
    throw wrongCredentials();
  }
  return signInFromDirectory(deps, ctx, toIdentity(answer.entry), client);
}

export interface RecheckResult {
  checked: number;
  disabled: string[];
  rolesChanged: string[];
}

/**
 * X-4 / RO-1: every enabled LDAP user looked up again. One the directory no longer finds — removed,
 * disabled (the user filter leaves them out), or now another entry under the same name — is
 * disabled here and loses every session and API token; the others get their groups and mapped
 * roles refreshed (a mapping that now breaks separation of duties for someone disables nothing
 * but leaves their roles as they were, recorded for the security administrator). Run by the
 * scheduled job and by the security administrator's "re-check now".
 */
export async function recheckDirectory(deps: IdentityDeps, ctx: RequestContext): Promise<RecheckResult> {
  const settings = deps.settings.directory.ldap;
  const result: RecheckResult = { checked: 0, disabled: [], rolesChanged: [] };
  if (!settings) return result;
  const users = await repo.listEnabledDirectoryUsers(deps.db.kysely, 'ldap');
  if (users.length === 0) return result;
  let found: Map<string, DirectoryEntry | null>;
  try {
    found = await lookUp(
      settings,
      users.map((u) => u.username),
    );
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    // A directory that does not answer removes nobody: an outage must not lock everyone out.
    await deps.db.kysely.transaction().execute((trx) =>
      deps.audit.record(trx, ctx, {
        action: 'identity.directory_recheck',
        entityType: 'directory',
        outcome: 'denied',
        details: { reason: 'directory_unavailable', error: error.message, rule: RULES.x4_directory_recheck },
      }),
    );
    throw directoryUnavailable();
  }
  const rules = await repo.listGroupRoleMappings(deps.db.kysely, 'ldap');
  for (const user of users) {
    const entry = found.get(user.username) ?? null;
    result.checked++;
    await deps.db.kysely.transaction().execute(async (trx) => {
      const now = iso(deps.clock.now());
      const current = await repo.findUserById(trx, user.id);
      if (!current || current.disabled) return;
      if (!entry || !sameGroup(entry.dn, user.externalId ?? '')) {
        await repo.updateUser(trx, user.id, { disabled: true, directoryCheckedAt: now, updatedAt: now });
        const sessions = await repo.revokeUserSessions(trx, user.id, now, 'directory_removed');
        const tokens = await repo.revokeUserApiTokens(trx, user.id, now);
        await deps.audit.record(trx, ctx, {
          action: 'identity.directory_recheck',
          entityType: 'user',
          entityId: user.id,
          before: { disabled: false },
          after: { disabled: true },
          details: {
            reason: entry ? 'entry_replaced' : 'not_in_directory',
            sessionsRevoked: sessions,
            tokensRevoked: tokens,
            rule: RULES.x4_directory_recheck,
          },
        });
        result.disabled.push(user.username);
        return;
      }
      await repo.updateUser(trx, user.id, {
        displayName: entry.displayName,
        email: entry.email,
        directoryGroups: entry.groups,
        directoryCheckedAt: now,
        updatedAt: now,
      });
      const mapped = rolesFromGroups(entry.groups, rules);
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
      await applyMappedRoles(deps, trx, ctx, current, mapped.roles, entry.groups);
      if (mapped.roles.join() !== before) result.rolesChanged.push(user.username);
    });
  }
  return result;
}

export const DIRECTORY_RECHECK_JOB = 'identity.directory_recheck';

/**
 * the re-check every DIRECTORY_RECHECK_MINUTES, run by one node (the job is leased) and
 * enqueued again for the next slot, so a person removed from the directory loses their sessions
 * and tokens within that time. A directory that does not answer is retried with backoff.
 */
export function directoryRecheckSchedule(deps: IdentityDeps) {
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
      if (deps.settings.directory.ldap) await enqueue(slotAfter(deps.clock.now(), minutes));
    },
    handler: {
      external: async (job) => {
        await recheckDirectory(deps, systemContext(`job:${job.id}`));
        await enqueue(slotAfter(deps.clock.now(), minutes));
      },
    } satisfies JobHandler,
  };
}
