import { fieldProblem, type FieldProblem } from '@releasegate/messages';
/**
 * Password rules. The standard profile follows NIST 800-63B: length, and not a password that
 * attackers try first (a common one, one character or a short group repeated, the user name).
 * The strict profile adds the composition and rotation rules MLPS 2.0 level 3 assessors look for.
 */
export type PasswordProfile = 'standard' | 'strict';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordRuleViolation {
  rule:
    | 'min_length'
    | 'max_length'
    | 'common'
    | 'repeated'
    | 'character_classes'
    | 'contains_username'
    | 'reused';
  problem: FieldProblem;
}

/**
 * One character or a group of up to four repeated over the whole password: `aaaaaaaaaaaa`,
 * `abababababab`, `123123123123`. Such a password has the length and none of the strength.
 */
const REPEATED = /^(.{1,4})\1+$/su;

export interface PasswordCheckOptions {
  /** The user name, refused inside the password (case-insensitive) when it has 3+ characters. */
  username?: string;
  /** Whether the lower-cased password is on the list of common passwords (kept by the server). */
  isCommon?: (lowerCased: string) => boolean;
}

export function checkPassword(
  password: string,
  profile: PasswordProfile,
  options: PasswordCheckOptions = {},
): PasswordRuleViolation[] {
  const { username, isCommon } = options;
  const violations: PasswordRuleViolation[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    violations.push({ rule: 'min_length', problem: fieldProblem('text_min', { min: MIN_PASSWORD_LENGTH }) });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    violations.push({ rule: 'max_length', problem: fieldProblem('text_max', { max: MAX_PASSWORD_LENGTH }) });
  }
  const lower = password.toLowerCase();
  if (isCommon?.(lower)) violations.push({ rule: 'common', problem: fieldProblem('password_common') });
  if (REPEATED.test(password))
    violations.push({ rule: 'repeated', problem: fieldProblem('password_repeated') });
  // Two-character user names (`li`) would refuse too much; the length rule covers them anyway.
  if (username && username.length >= 3 && lower.includes(username.toLowerCase())) {
    violations.push({ rule: 'contains_username', problem: fieldProblem('password_has_username') });
  }
  if (profile === 'strict') {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
    if (classes < 3) {
      violations.push({
        rule: 'character_classes',
        problem: fieldProblem('password_classes'),
      });
    }
  }
  return violations;
}

/** Strict profile only: a password older than maxAgeDays must be changed before anything else. */
export function isPasswordExpired(
  changedAt: Date,
  now: Date,
  profile: PasswordProfile,
  maxAgeDays: number,
): boolean {
  if (profile !== 'strict') return false;
  return now.getTime() - changedAt.getTime() > maxAgeDays * 86_400_000;
}
