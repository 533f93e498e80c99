import { fieldProblem } from '@releasegate/messages';
import type { Kysely } from 'kysely';
import { checkPassword, refused } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import { isCommonPassword } from './common-passwords';
import type { IdentityDeps } from './identity.deps';
import { findUserById, recentPasswordHashes } from './identity.repository';
import { verifyPassword } from './secrets';

const STRICT_HISTORY = 5;

/**
 * Refuses a new password that breaks the configured profile, naming each broken rule: every
 * profile refuses common passwords, repetitions and the user name; the strict profile also
 * refuses any of the user's last five passwords.
 */
export async function assertPasswordAcceptable(
  q: Kysely<Database>,
  deps: IdentityDeps,
  password: string,
  username: string,
  userId?: string,
): Promise<void> {
  const violations = checkPassword(password, deps.settings.password.profile, {
    username,
    isCommon: isCommonPassword,
  });
  if (violations.length === 0 && userId && deps.settings.password.profile === 'strict') {
    const current = (await findUserById(q, userId))?.passwordHash;
    const previous = await recentPasswordHashes(q, userId, STRICT_HISTORY - 1);
    for (const old of current ? [current, ...previous] : previous) {
      if (await verifyPassword(old, password)) {
        violations.push({
          rule: 'reused',
          problem: fieldProblem('password_reused', { count: STRICT_HISTORY }),
        });
        break;
      }
    }
  }
  if (violations.length > 0) {
    const problems = violations.map((v) => v.problem);
    throw refused(
      'invalid_input',
      { code: 'password_rules_broken', params: { problems } },
      { fields: { password: problems }, rule: `password profile ${deps.settings.password.profile}` },
    );
  }
}
