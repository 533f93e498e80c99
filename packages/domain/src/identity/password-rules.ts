/**
 * Password rules. The standard profile asks for length only (NIST 800-63B style); the strict
 * profile adds the composition and rotation rules MLPS 2.0 level 3 assessors look for.
 */
export type PasswordProfile = 'standard' | 'strict';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export interface PasswordRuleViolation {
  rule: 'min_length' | 'max_length' | 'character_classes' | 'contains_username' | 'reused';
  message: string;
}

export function checkPassword(
  password: string,
  profile: PasswordProfile,
  username?: string,
): PasswordRuleViolation[] {
  const violations: PasswordRuleViolation[] = [];
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    violations.push({ rule: 'min_length', message: `at least ${MIN_PASSWORD_LENGTH} characters` });
  }
  if (length > MAX_PASSWORD_LENGTH) {
    violations.push({ rule: 'max_length', message: `at most ${MAX_PASSWORD_LENGTH} characters` });
  }
  if (profile === 'strict') {
    const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((re) => re.test(password)).length;
    if (classes < 3) {
      violations.push({
        rule: 'character_classes',
        message: 'at least three of: lower case, upper case, digits, symbols',
      });
    }
    if (username && username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
      violations.push({ rule: 'contains_username', message: 'must not contain the user name' });
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
