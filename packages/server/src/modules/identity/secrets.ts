import { createHash, randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';

/** 256 random bits, URL-safe. Used for session ids, CSRF tokens, API tokens and setup links. */
export function randomToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Stored form of a high-entropy secret: SHA-256 is enough; a slow hash is for passwords. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** How a password is hashed: argon2id, with these costs. */
export interface PasswordHashing {
  readonly algorithm: 2;
  readonly memoryCost: number;
  readonly timeCost: number;
  readonly parallelism: number;
}

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
export const PRODUCTION_PASSWORD_HASHING: PasswordHashing = Object.freeze({
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * The costs in force. Always the production ones, except inside a Vitest worker that asked for
 * others (test/setup.ts). There is no configuration variable for it: a deployment cannot weaken
 * its hashes by a setting, and a process the tests spawn (the CLI, `releasegate serve`) starts
 * with the production costs whatever environment it inherits — nothing in it calls the function
 * below. Verification reads the costs from the stored hash, so either kind verifies anywhere.
 */
let passwordHashing: PasswordHashing = PRODUCTION_PASSWORD_HASHING;

/**
 * Tests only: hash with other costs from now on in this process; returns the costs it replaced.
 * Refused outside a Vitest worker (Vitest sets VITEST), so production code calling it by
 * mistake fails loudly instead of weakening every password; ESLint refuses a call outside test
 * code in the first place. (The one read of the environment outside config.ts: a guard, not a
 * setting.) Decision 0019.
 */
export function setPasswordHashingForTests(costs: PasswordHashing): PasswordHashing {
  if (!process.env.VITEST)
    throw new Error(
      'setPasswordHashingForTests is for the test suite only: production hashes with OWASP costs',
    );
  const before = passwordHashing;
  passwordHashing = costs;
  return before;
}

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, passwordHashing);
}

/**
 * Every argon2 verification this process has run, with the hash it ran against: what the X-4
 * timing test counts (the same work for every refused sign-in) instead of timing a busy machine.
 */
const verified: string[] = [];
export const passwordVerifications = (): readonly string[] => verified;

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (verified.length >= 1000) verified.splice(0, verified.length - 100);
  verified.push(hash);
  try {
    return await argon2Verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * A hash to verify against when the user does not exist, so timing does not reveal user names.
 * One per set of costs, so it always costs what a real user's verification costs.
 */
const dummyHashes = new Map<PasswordHashing, Promise<string>>();
export function dummyPasswordHash(): Promise<string> {
  let dummy = dummyHashes.get(passwordHashing);
  if (!dummy) {
    dummy = hashPassword(randomToken());
    dummyHashes.set(passwordHashing, dummy);
  }
  return dummy;
}
