import type { PasswordHashing } from '../modules/identity/secrets';

/**
 * What test processes hash passwords with (test/setup.ts): argon2id at the least costs it
 * allows (8 KiB, one pass) instead of OWASP's 19 MiB and two passes — the same algorithm,
 * encoding and verification path, at a fraction of a millisecond instead of tens, in a suite that
 * signs in thousands of times.
 */
export const TEST_PASSWORD_HASHING: PasswordHashing = Object.freeze({
  algorithm: 2,
  memoryCost: 8,
  timeCost: 1,
  parallelism: 1,
});

/** The PHC prefix of an argon2id hash with the production (OWASP) costs: 19 MiB, 2 passes, 1 lane. */
export const PRODUCTION_HASH_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';
