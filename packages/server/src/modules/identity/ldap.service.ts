import { refusal, sameGroup } from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import type { IdentityDeps } from './identity.deps';
import * as repo from './identity.repository';
import { authenticate, DirectoryUnavailable, lookUp, type DirectoryEntry } from './ldap.client';
import { signInFromDirectory, type DirectoryIdentity } from './directory.service';
import { recordUnavailable, type RecheckRun, type Rechecker } from './directory.recheck';
import {
  countFailure,
  wrongCredentials,
  type ClientInfo,
  type SecondFactorPending,
  type SignedIn,
} from './sign-in';

const iso = (d: Date) => d.toISOString();

const directoryUnavailable = () =>
  refusal(
    'unavailable',
    'x4_directory_sign_in',
    { code: 'directory_unavailable', params: {} },
    { reason: 'directory_unavailable' },
  );

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
  // The account is the one of the entry the directory finds (by its DN), whatever the spelling
  // typed: the lock, the failure count and the audit event are that account's.
  let account: repo.User | undefined;
  const record = async (trx: Kysely<Database>, reason: string, details: Record<string, unknown> = {}) => {
    await deps.audit.record(trx, ctx, {
      action: 'identity.login',
      entityType: 'user',
      entityId: account?.id ?? null,
      outcome: 'denied',
      actorName: input.username,
      details: { reason, source: 'ldap', ...details },
    });
  };
  const refuse = (reason: string, details?: Record<string, unknown>) =>
    deps.db.kysely.transaction().execute((trx) => record(trx, reason, details));

  let answer: Awaited<ReturnType<typeof authenticate>>;
  try {
    answer = await authenticate(settings, input.username, input.password, async (dn) => {
      account = await repo.findUserByExternalId(deps.db.kysely, 'ldap', dn);
      // A lock stops password guessing through us: the directory is not asked the password.
      return !!account?.lockedUntil && account.lockedUntil > iso(deps.clock.now());
    });
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    await refuse('directory_unavailable', { error: error.message });
    throw directoryUnavailable();
  }
  if (answer.kind === 'locked') {
    await refuse('locked', { lockedUntil: account?.lockedUntil });
    throw wrongCredentials();
  }
  if (answer.kind !== 'ok') {
    const failedAccount = answer.kind === 'wrong_password' ? account : undefined;
    if (failedAccount) {
      await deps.db.kysely
        .transaction()
        .execute((trx) =>
          countFailure(deps, trx, ctx, failedAccount, failedAccount.username, ({ attempts, lock }) =>
            record(trx, 'bad_password', { attempts, locked: lock }),
          ),
        );
    } else await refuse(answer.kind === 'unknown' ? 'unknown_user' : 'bad_password');
    throw wrongCredentials();
  }
  return signInFromDirectory(deps, ctx, toIdentity(answer.entry), client);
}

/**
 * X-4 / RO-1: every enabled LDAP user looked up again with the service account. One the directory
 * no longer finds — removed, disabled (the user filter leaves them out), or now another entry
 * under the same name — is gone; the others come back with their groups as they are now.
 */
export const recheckLdapUsers: Rechecker = async (deps, ctx, run: RecheckRun) => {
  const settings = deps.settings.directory.ldap;
  if (!settings) return;
  const users = await repo.listEnabledDirectoryUsers(deps.db.kysely, 'ldap');
  if (users.length === 0) return;
  let found: Map<string, DirectoryEntry | null>;
  try {
    found = await lookUp(
      settings,
      users.map((u) => u.username),
    );
  } catch (error) {
    if (!(error instanceof DirectoryUnavailable)) throw error;
    await recordUnavailable(deps, ctx, 'directory_unavailable', error.message);
    throw directoryUnavailable();
  }
  for (const user of users) {
    const entry = found.get(user.username) ?? null;
    run.findings.push({
      user,
      finding: !entry
        ? { gone: 'not_in_directory' }
        : !sameGroup(entry.dn, user.externalId ?? '')
          ? { gone: 'entry_replaced' }
          : { displayName: entry.displayName, email: entry.email, groups: entry.groups },
    });
  }
};
