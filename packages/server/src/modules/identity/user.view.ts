import { isPasswordExpired, permissionsOf, secondFactorRequired } from '@releasegate/domain';
import type { User } from './identity.repository';
import type { IdentityDeps } from './identity.deps';

/** A user as the API shows it: never the password hash. */
export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: string[];
  disabled: boolean;
  lockedUntil: string | null;
  passwordChangedAt: string;
  mustChangePassword: boolean;
  serviceAccount: boolean;
  /** a TOTP second factor is enrolled and confirmed. */
  secondFactor: boolean;
  /** where the user signs in; a directory account's roles come from its groups. */
  source: 'local' | 'ldap' | 'oidc';
  directoryGroups: string[];
  directoryCheckedAt: string | null;
  breakGlass: boolean;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(u: User): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    roles: u.roles,
    disabled: u.disabled,
    lockedUntil: u.lockedUntil,
    passwordChangedAt: u.passwordChangedAt,
    mustChangePassword: u.mustChangePassword,
    serviceAccount: u.serviceAccount,
    secondFactor: u.totpConfirmedAt !== null,
    source: u.source,
    directoryGroups: u.directoryGroups,
    directoryCheckedAt: u.directoryCheckedAt,
    breakGlass: u.breakGlass,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}

/** The audit trail's before/after picture of a user. */
export function auditUser(u: User) {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

export function principalOf(
  u: User,
  deps: IdentityDeps,
  via:
    | { sessionIdHash: string; providerMfa?: boolean }
    | { tokenId: string; scopes: string[] }
    // a verified card callback from a chat app, acting as the account bound to its sender.
    | { chat: true },
) {
  const all = permissionsOf(u.roles);
  const permissions = 'tokenId' in via ? new Set([...all].filter((p) => via.scopes.includes(p))) : all;
  return {
    userId: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    permissions,
    via: 'tokenId' in via ? ('token' as const) : 'chat' in via ? ('chat' as const) : ('session' as const),
    ...('tokenId' in via
      ? { tokenId: via.tokenId }
      : 'sessionIdHash' in via
        ? { sessionIdHash: via.sessionIdHash }
        : {}),
    // An administrator's password is replaced before anything else, like an expired one.
    passwordExpired:
      u.mustChangePassword ||
      isPasswordExpired(
        new Date(u.passwordChangedAt),
        deps.clock.now(),
        deps.settings.password.profile,
        deps.settings.password.maxAgeDays,
      ),
    // under the strict profile an administrator or operations manager enrols a second
    // factor before anything else, as an expired password is changed first.
    // A directory sign-in whose provider vouched for a second factor counts when the operator
    // trusts it (DIRECTORY_TRUST_PROVIDER_MFA; the session remembers the provider's word).
    // A chat decision is held to it as a sign-in is: the chat app's own sign-in is not ours.
    mustEnrolSecondFactor:
      !('tokenId' in via) &&
      !u.totpConfirmedAt &&
      !('providerMfa' in via && via.providerMfa && deps.settings.directory.trustProviderMfa) &&
      secondFactorRequired(u.roles, deps.settings.password.profile),
  };
}
