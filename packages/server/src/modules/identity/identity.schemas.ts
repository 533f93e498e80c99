import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { pageQuery } from '../../http/page.schemas';
import { USER_SORTS } from './identity.repository';
import { PERMISSIONS, ROLES } from '@releasegate/domain';

export const roleSchema = z.enum(ROLES);
export const permissionSchema = z.enum(PERMISSIONS);

const username = z
  .string()
  .trim()
  .min(2, FIELDS.text_min)
  .max(64, FIELDS.text_max)
  .regex(/^[a-zA-Z0-9._@-]+$/, FIELDS.username_characters);
const displayName = z.string().trim().min(1, FIELDS.required).max(100, FIELDS.text_max);
const email = z.email(FIELDS.email).max(200).nullable().optional();
// Length rules are checked by the password profile so that every broken rule is named at once.
const password = z.string().max(1024);

export const userView = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  roles: z.array(z.string()),
  disabled: z.boolean(),
  lockedUntil: z.string().nullable(),
  passwordChangedAt: z.string(),
  mustChangePassword: z.boolean(),
  serviceAccount: z.boolean(),
  /** a TOTP second factor is enrolled. */
  secondFactor: z.boolean(),
  /** where the user signs in: local, ldap or oidc. */
  source: z.enum(['local', 'ldap', 'oidc']),
  /** The directory groups as last read (empty for a local account). */
  directoryGroups: z.array(z.string()),
  directoryCheckedAt: z.string().nullable(),
  /** The local administrator who may sign in with a password while a directory is in use. */
  breakGlass: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const loginInput = z
  .object({
    username: z.string().trim().min(1, FIELDS.required).max(64),
    password: z.string().min(1, FIELDS.required).max(1024),
  })
  .meta({ examples: [{ username: 'zhang.wei', password: 'correct horse battery staple' }] });
export const sessionView = z
  .object({
    user: userView.extend({ permissions: z.array(z.string()) }),
    csrfToken: z.string(),
    passwordExpired: z.boolean(),
    /** policy requires a second factor this user has not enrolled: enrol before anything else. */
    mustEnrolSecondFactor: z.boolean(),
  })
  .meta({
    examples: [
      {
        user: {
          id: '0b9c2f4e-6a51-4c1e-9d55-3f2f7c1e8a10',
          username: 'zhang.wei',
          displayName: '张伟',
          email: 'zhang.wei@example.com',
          roles: ['release_manager'],
          disabled: false,
          lockedUntil: null,
          passwordChangedAt: '2026-11-02T08:00:00.000Z',
          mustChangePassword: false,
          serviceAccount: false,
          secondFactor: false,
          source: 'local',
          directoryGroups: [],
          directoryCheckedAt: null,
          breakGlass: false,
          createdAt: '2026-10-01T08:00:00.000Z',
          updatedAt: '2026-11-02T08:00:00.000Z',
          permissions: ['release.read', 'release.plan'],
        },
        csrfToken: 'q3H1x0vY8n2b5Zr7LkP4sT6wA9cE1dF0',
        passwordExpired: false,
        mustEnrolSecondFactor: false,
      },
    ],
  });

/** the password was right; the second factor is sent next (the pending sign-in is a cookie). */
export const secondFactorPendingView = z
  .object({ secondFactorRequired: z.literal(true), expiresAt: z.string() })
  .meta({ examples: [{ secondFactorRequired: true, expiresAt: '2026-11-02T08:05:00.000Z' }] });
const totpCode = z
  .string()
  .trim()
  .regex(/^[0-9]{6}$/, FIELDS.totp_code_format);
export const secondFactorInput = z
  .object({
    code: totpCode.optional(),
    recoveryCode: z.string().trim().min(1, FIELDS.required).max(40, FIELDS.text_max).optional(),
  })
  .meta({ examples: [{ code: '492039' }, { recoveryCode: 'k7m2p-x9qrt' }] });
export const totpCodeInput = z.object({ code: totpCode }).meta({ examples: [{ code: '492039' }] });
export const secondFactorStatusView = z.object({
  enabled: z.boolean(),
  confirmedAt: z.string().nullable(),
  pending: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  required: z.boolean(),
});
export const enrolmentView = z.object({
  secret: z.string(),
  uri: z.string(),
  qrDataUrl: z.string(),
});
export const recoveryCodesView = z.object({ recoveryCodes: z.array(z.string()) });

export const changePasswordInput = z.object({
  currentPassword: z.string().min(1, FIELDS.required),
  newPassword: password,
});

export const setupStatusQuery = z.object({ token: z.string().max(200).optional() });
export const setupStatusView = z.object({
  firstRun: z.boolean(),
  tokenValid: z.boolean(),
  role: z.string().nullable(),
});
export const setupInput = z.object({
  token: z.string().min(1).max(200),
  username,
  displayName,
  email,
  password,
});

export const createUserInput = z.object({
  username,
  displayName,
  email,
  // Issue #13: an account with no role can do nothing but exist; the form asks for one.
  roles: z.array(roleSchema).min(1, FIELDS.at_least_one_role).max(ROLES.length),
  /** A person's initial password (changed at the first sign-in); absent for a service account. */
  password: password.optional(),
  serviceAccount: z.boolean().optional(),
});
export const updateUserInput = z.object({
  displayName: displayName.optional(),
  email,
  roles: z.array(roleSchema).min(1, FIELDS.at_least_one_role_disable).max(ROLES.length).optional(),
});
export const resetPasswordInput = z.object({ password });
export const userListQuery = z
  .object({
    text: z.string().max(100).optional(),
    role: roleSchema.optional(),
    disabled: z.enum(['true', 'false']).optional(),
    status: z
      .enum(['active', 'locked', 'disabled'])
      .optional()
      .describe('active: enabled and not locked out; locked: enabled and locked out now; disabled'),
    serviceAccount: z.enum(['true', 'false']).optional(),
  })
  .extend(pageQuery(USER_SORTS, 'username').shape);
export const idParams = z.object({ id: z.string().min(1).max(64) });

export const tokenView = z.object({
  id: z.string(),
  userId: z.string(),
  username: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  state: z.enum(['active', 'expired', 'revoked']),
});
export const createTokenInput = z
  .object({
    name: z.string().trim().min(1, FIELDS.required).max(100),
    scopes: z.array(permissionSchema).min(1, FIELDS.choose_scope),
    expiresInDays: z.number().int().min(1).max(366).default(90),
    userId: z.string().max(64).optional(),
  })
  .meta({
    examples: [{ name: 'deploy pipeline', scopes: ['gate.check', 'release.implement'], expiresInDays: 90 }],
  });
export const tokenListQuery = z.object({ userId: z.string().max(64).optional() });

export const rolesView = z.object({
  roles: z.array(
    z.object({ role: z.string(), administrator: z.boolean(), permissions: z.array(z.string()) }),
  ),
  permissions: z.array(z.string()),
  /** what a service account's token may carry, and what no token ever carries. */
  tokenScopes: z.object({ pipeline: z.array(z.string()), never: z.array(z.string()) }),
});

/** Who is who: names for the usernames records carry, readable by every signed-in user. */
export const peopleView = z.object({
  people: z.array(z.object({ username: z.string(), displayName: z.string(), disabled: z.boolean() })),
});

/** the sign-in methods this installation offers (the sign-in page shows these). */
export const signInMethodsView = z.object({
  /** Local passwords: for everyone, or (`break_glass`) only the break-glass administrator. */
  password: z.enum(['all', 'break_glass']),
  ldap: z.boolean(),
  oidc: z.object({ label: z.string() }).nullable(),
});

export const directorySourceSchema = z.enum(['ldap', 'oidc']);

export const groupRoleMappingView = z.object({
  id: z.string(),
  source: directorySourceSchema,
  group: z.string(),
  role: roleSchema,
  createdAt: z.string(),
  createdBy: z.string(),
});

export const groupRoleMappingInput = z
  .object({
    source: directorySourceSchema,
    group: z.string().trim().min(1, FIELDS.required).max(512, FIELDS.text_max),
    role: roleSchema,
  })
  .meta({
    examples: [
      {
        source: 'ldap',
        group: 'cn=release-managers,ou=groups,dc=example,dc=com',
        role: 'operations_manager',
      },
    ],
  });

export const breakGlassInput = z.object({ breakGlass: z.boolean() });

export const directoryStatusView = z.object({
  ldap: z
    .object({ url: z.string(), groups: z.enum(['memberof', 'search']), nestedGroups: z.boolean() })
    .nullable(),
  oidc: z.object({ issuer: z.string(), label: z.string() }).nullable(),
  recheckMinutes: z.number().int(),
  trustProviderMfa: z.boolean(),
  localSignIn: z.enum(['all', 'break_glass']),
  /** The user name of the break-glass administrator, if one is named. */
  breakGlass: z.string().nullable(),
});

export const recheckInput = z.object({
  /** Apply the removals even when there are more than DIRECTORY_RECHECK_MAX_REMOVALS. */
  confirmRemovals: z.boolean().optional(),
});

export const recheckView = z.object({
  checked: z.number().int(),
  disabled: z.array(z.string()),
  rolesChanged: z.array(z.string()),
  /** OIDC accounts without a refresh token: the provider cannot be asked about them. */
  unchecked: z.array(z.string()),
});
