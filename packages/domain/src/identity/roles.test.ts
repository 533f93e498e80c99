import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import {
  ADMINISTRATOR_ROLES,
  BUSINESS_ROLES,
  FORBIDDEN_ROLE_PAIRS,
  ROLES,
  assertRoleSetAllowed,
  type Role,
} from './roles';
import { ROLE_PERMISSIONS, permissionsOf } from './permissions';
import { checkPassword, isPasswordExpired } from './password-rules';

describe('roles and permissions', () => {
  it('RO-3 any set of business roles is allowed; an administrator role with any other role never is (property)', () => {
    fc.assert(
      fc.property(fc.subarray([...ROLES]), (roles: Role[]) => {
        const admins = roles.filter((r) => (ADMINISTRATOR_ROLES as readonly string[]).includes(r));
        if (admins.length > 0 && roles.length > 1) {
          expect(() => assertRoleSetAllowed(roles)).toThrow(DomainError);
        } else {
          expect(() => assertRoleSetAllowed(roles)).not.toThrow();
        }
      }),
    );
  });

  it('RO-3 the forbidden pairs are the three administrator roles against each other and every business role', () => {
    expect(FORBIDDEN_ROLE_PAIRS).toHaveLength(3 + 3 * BUSINESS_ROLES.length);
    for (const admin of ADMINISTRATOR_ROLES)
      for (const other of ROLES)
        if (other !== admin)
          expect(
            FORBIDDEN_ROLE_PAIRS.some(
              ([a, b]) => (a === admin && b === other) || (a === other && b === admin),
            ),
            `${admin} with ${other}`,
          ).toBe(true);
  });

  it.each(FORBIDDEN_ROLE_PAIRS.map(([a, b]) => [a, b]))(
    'RO-3 separation of duties: %s and %s together are refused, naming both',
    (a, b) => {
      try {
        assertRoleSetAllowed([a, b]);
        expect.unreachable();
      } catch (e) {
        expect(e).toMatchObject({
          code: 'policy_violation',
          details: { rule: 'RO-3 separation of duties', conflictingRoles: [a, b], pairs: [[a, b]] },
        });
      }
      expect(() => assertRoleSetAllowed([a])).not.toThrow();
      expect(() => assertRoleSetAllowed([b])).not.toThrow();
    },
  );

  it('RO-1 RO-2 TY-2 approval authority: manager approves every type, engineer only normal releases', () => {
    const manager = permissionsOf(['operations_manager']);
    const engineer = permissionsOf(['operations_engineer']);
    for (const p of [
      'release.approve.emergency',
      'release.approve.major',
      'release.approve.normal',
      'release.close',
    ] as const)
      expect(manager.has(p)).toBe(true);
    expect(engineer.has('release.approve.normal')).toBe(true);
    expect(engineer.has('release.approve.major')).toBe(false);
    expect(engineer.has('release.approve.emergency')).toBe(false);
    expect(engineer.has('release.close')).toBe(false);
  });

  it('RO-3 the auditor reads the log and changes nothing; only the security administrator manages users', () => {
    const auditor = permissionsOf(['auditor']);
    expect(auditor.has('audit.read')).toBe(true);
    expect([...auditor].filter((p) => /manage|approve|write|upload|implement|close/.test(p))).toEqual([]);
    const managers = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('user.manage'));
    expect(managers).toEqual(['security_administrator']);
    const readers = ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('audit.read'));
    expect(readers).toEqual(['auditor']);
  });

  it('RO-4 both the manager and the engineer may accept release requests by default', () => {
    expect(permissionsOf(['operations_manager']).has('release.accept')).toBe(true);
    expect(permissionsOf(['operations_engineer']).has('release.accept')).toBe(true);
    expect(BUSINESS_ROLES.filter((r) => ROLE_PERMISSIONS[r].includes('release.accept'))).toEqual([
      'operations_manager',
      'operations_engineer',
    ]);
  });
});

describe('password rules', () => {
  it('X-4 standard profile: 12 characters at least, counted as characters not bytes', () => {
    expect(checkPassword('short', 'standard')).toEqual([expect.objectContaining({ rule: 'min_length' })]);
    expect(checkPassword('发布管理平台的安全口令十二', 'standard')).toEqual([]);
    expect(checkPassword('alllowercaseletters', 'standard')).toEqual([]);
  });

  it('X-4 strict profile: three character classes and not the user name', () => {
    expect(checkPassword('alllowercaseletters', 'strict').map((v) => v.rule)).toEqual(['character_classes']);
    expect(checkPassword('Zhangsan-2026!', 'strict', { username: 'zhangsan' }).map((v) => v.rule)).toEqual([
      'contains_username',
    ]);
    expect(checkPassword('Correct-Horse-42', 'strict', { username: 'alice' })).toEqual([]);
  });

  it('X-4 standard profile also refuses a common password, one character or short group repeated, and the user name', () => {
    const common = new Set(['woaini1314520', 'qwertyuiop123']);
    const rules = (password: string, username?: string) =>
      checkPassword(password, 'standard', { username, isCommon: (p) => common.has(p) }).map((v) => v.rule);
    // The list is consulted in lower case: case does not make a common password uncommon.
    expect(rules('WoAiNi1314520')).toEqual(['common']);
    expect(rules('qwertyuiop123')).toEqual(['common']);
    expect(rules('aaaaaaaaaaaa')).toEqual(['repeated']);
    expect(rules('密密密密密密密密密密密密')).toEqual(['repeated']);
    expect(rules('abababababab')).toEqual(['repeated']);
    expect(rules('123412341234')).toEqual(['repeated']);
    // The user name, in any case, anywhere in the password.
    expect(rules('my-Zhang.San-password', 'zhang.san')).toEqual(['contains_username']);
    expect(rules('zhang.san', 'zhang.san')).toEqual(['min_length', 'contains_username']);
    // Two-character user names are too short to refuse inside a password.
    expect(rules('a-long-lili-passphrase', 'li')).toEqual([]);
    expect(rules('correct horse battery staple', 'alice')).toEqual([]);
    expect(rules('abcabcabcabcX')).toEqual([]);
  });

  it('X-4 rotation applies to the strict profile only', () => {
    const changed = new Date('2026-01-01T00:00:00Z');
    const later = new Date('2026-04-02T00:00:00Z');
    expect(isPasswordExpired(changed, later, 'strict', 90)).toBe(true);
    expect(isPasswordExpired(changed, later, 'standard', 90)).toBe(false);
    expect(isPasswordExpired(changed, new Date('2026-03-31T00:00:00Z'), 'strict', 90)).toBe(false);
  });
});
