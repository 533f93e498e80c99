import path from 'node:path';
import { z } from 'zod';

/**
 * X-4 / RO-1: the environment of enterprise sign-in — LDAP or Active Directory, an OpenID
 * Provider, and what a directory changes for local accounts. Part of config.ts's one schema (so
 * every bad variable is still reported at once); secrets (bind password, client secret) are only
 * ever read from here, never stored in the database.
 */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', ''])
    .optional()
    .transform((v) => (v === undefined || v === '' ? fallback : v === 'true'));

const wholeNumber = (name: string, fallback: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from 1 to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const list = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

export const directoryEnv = {
  LDAP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^ldaps?:\/\/[^\s]+$/.test(v), {
      message: 'LDAP_URL must start with ldap:// or ldaps://',
    }),
  LDAP_START_TLS: flag(false),
  /** PEM file of the certificate authority the directory's certificate chains to. */
  LDAP_CA_FILE: z.string().optional(),
  LDAP_BIND_DN: z.string().optional(),
  LDAP_BIND_PASSWORD: z.string().optional(),
  LDAP_USER_BASE: z.string().optional(),
  /** `{username}` is replaced by the escaped user name; disabled accounts must not match. */
  LDAP_USER_FILTER: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.includes('{username}'), {
      message: 'LDAP_USER_FILTER must contain {username}',
    }),
  LDAP_USERNAME_ATTRIBUTE: z.string().optional(),
  LDAP_DISPLAY_NAME_ATTRIBUTE: z.string().optional(),
  LDAP_EMAIL_ATTRIBUTE: z.string().optional(),
  /** `memberof`: the user entry's memberOf (Active Directory); `search`: group entries naming the user. */
  LDAP_GROUPS: z.enum(['memberof', 'search'], { error: 'LDAP_GROUPS must be memberof or search' }).optional(),
  LDAP_GROUP_BASE: z.string().optional(),
  /** `{dn}` is replaced by the escaped DN of the user or of a group (nested groups). */
  LDAP_GROUP_FILTER: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.includes('{dn}'), {
      message: 'LDAP_GROUP_FILTER must contain {dn}',
    }),
  LDAP_NESTED_GROUPS: flag(true),
  LDAP_TIMEOUT_SECONDS: wholeNumber('LDAP_TIMEOUT_SECONDS', 10, 120),
  OIDC_ISSUER: z.url({ message: 'OIDC_ISSUER must be an absolute URL' }).optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_SCOPES: z.string().optional(),
  OIDC_USERNAME_CLAIM: z.string().optional(),
  OIDC_GROUPS_CLAIM: z.string().optional(),
  /** The name the sign-in page gives the provider's button (企业微信, Keycloak …). */
  OIDC_LABEL: z.string().optional(),
  /** `amr` values or `acr` values that mean the provider checked a second factor. */
  OIDC_MFA_VALUES: list,
  /** Whether a directory sign-in that the provider vouches for counts as the second factor. */
  DIRECTORY_TRUST_PROVIDER_MFA: flag(false),
  /** How often directory users are looked up again; removed or disabled ones lose sessions and tokens. */
  DIRECTORY_RECHECK_MINUTES: wholeNumber('DIRECTORY_RECHECK_MINUTES', 15, 24 * 60),
  /** Most accounts one re-check may disable before it holds them all for a person to confirm. */
  DIRECTORY_RECHECK_MAX_REMOVALS: wholeNumber('DIRECTORY_RECHECK_MAX_REMOVALS', 10, 1_000_000),
  /** While a directory is in use: `break_glass` (only the break-glass administrator) or `all`. */
  DIRECTORY_LOCAL_SIGN_IN: z
    .enum(['break_glass', 'all'], { error: 'DIRECTORY_LOCAL_SIGN_IN must be break_glass or all' })
    .default('break_glass'),
};

type DirectoryEnv = z.infer<z.ZodObject<typeof directoryEnv>>;

export interface LdapSettings {
  readonly url: string;
  readonly startTls: boolean;
  readonly caFile: string | null;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly userBase: string;
  readonly userFilter: string;
  readonly usernameAttribute: string;
  readonly displayNameAttribute: string;
  readonly emailAttribute: string;
  readonly groups: 'memberof' | 'search';
  readonly groupBase: string;
  readonly groupFilter: string;
  readonly nestedGroups: boolean;
  readonly timeoutMs: number;
}

export interface OidcSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly scopes: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  readonly label: string;
  readonly mfaValues: readonly string[];
}

export interface DirectorySettings {
  readonly ldap: LdapSettings | null;
  readonly oidc: OidcSettings | null;
  readonly trustProviderMfa: boolean;
  readonly recheckMinutes: number;
  /** More removals than this in one re-check are held until a security administrator confirms. */
  readonly recheckMaxRemovals: number;
  /** Local password sign-in while a directory is in use; `all` when none is. */
  readonly localSignIn: 'break_glass' | 'all';
}

/** The directory part of the configuration, and the problems of a half-configured one. */
export function directorySettings(e: DirectoryEnv): { settings: DirectorySettings; problems: string[] } {
  const problems: string[] = [];
  const need = (names: (keyof DirectoryEnv)[], because: string) => {
    for (const name of names) if (!e[name]) problems.push(`${name}: ${because} needs it`);
  };
  let ldap: LdapSettings | null = null;
  if (e.LDAP_URL) {
    need(['LDAP_BIND_DN', 'LDAP_BIND_PASSWORD', 'LDAP_USER_BASE'], 'LDAP_URL');
    if (e.LDAP_START_TLS && e.LDAP_URL.startsWith('ldaps:'))
      problems.push('LDAP_START_TLS: ldaps:// is already encrypted; use ldap:// with StartTLS');
    const groups = e.LDAP_GROUPS ?? 'search';
    ldap = {
      url: e.LDAP_URL,
      startTls: e.LDAP_START_TLS,
      caFile: e.LDAP_CA_FILE ? path.resolve(e.LDAP_CA_FILE) : null,
      bindDn: e.LDAP_BIND_DN ?? '',
      bindPassword: e.LDAP_BIND_PASSWORD ?? '',
      userBase: e.LDAP_USER_BASE ?? '',
      userFilter: e.LDAP_USER_FILTER || '(&(objectClass=inetOrgPerson)(uid={username}))',
      usernameAttribute: e.LDAP_USERNAME_ATTRIBUTE || 'uid',
      displayNameAttribute: e.LDAP_DISPLAY_NAME_ATTRIBUTE || 'cn',
      emailAttribute: e.LDAP_EMAIL_ATTRIBUTE || 'mail',
      groups,
      groupBase: e.LDAP_GROUP_BASE || e.LDAP_USER_BASE || '',
      groupFilter: e.LDAP_GROUP_FILTER || '(|(member={dn})(uniqueMember={dn}))',
      nestedGroups: e.LDAP_NESTED_GROUPS,
      timeoutMs: e.LDAP_TIMEOUT_SECONDS * 1000,
    };
  }
  let oidc: OidcSettings | null = null;
  if (e.OIDC_ISSUER) {
    need(['OIDC_CLIENT_ID'], 'OIDC_ISSUER');
    oidc = {
      issuer: e.OIDC_ISSUER,
      clientId: e.OIDC_CLIENT_ID ?? '',
      clientSecret: e.OIDC_CLIENT_SECRET || null,
      scopes: e.OIDC_SCOPES || 'openid profile email',
      usernameClaim: e.OIDC_USERNAME_CLAIM || 'preferred_username',
      groupsClaim: e.OIDC_GROUPS_CLAIM || 'groups',
      label: e.OIDC_LABEL || 'SSO',
      mfaValues: e.OIDC_MFA_VALUES.length > 0 ? e.OIDC_MFA_VALUES : ['mfa', 'otp', 'hwk', 'swk'],
    };
  }
  return {
    settings: {
      ldap,
      oidc,
      trustProviderMfa: e.DIRECTORY_TRUST_PROVIDER_MFA,
      recheckMinutes: e.DIRECTORY_RECHECK_MINUTES,
      recheckMaxRemovals: e.DIRECTORY_RECHECK_MAX_REMOVALS,
      localSignIn: ldap || oidc ? e.DIRECTORY_LOCAL_SIGN_IN : 'all',
    },
    problems,
  };
}
