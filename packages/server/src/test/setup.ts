import { afterAll, vi } from 'vitest';
import { setPasswordHashingForTests } from '../modules/identity/secrets';
import { settleDatabaseDrops } from './databases';
import { TEST_PASSWORD_HASHING } from './password-hashing';

/**
 * Runs in every Vitest worker before each test file (vitest.config.ts `setupFiles`): passwords
 * are hashed cheaply (password-hashing.ts) in this process only. Servers and CLI commands the
 * tests spawn hash with the production costs whatever environment they inherit — nothing in them
 * calls setPasswordHashingForTests (secrets.test.ts and cli.process.test.ts check it). A test
 * about the cost itself (sign-in timing, X-4) puts the production costs back for its duration.
 */
setPasswordHashingForTests(TEST_PASSWORD_HASHING);

/** The PostgreSQL test databases of the file are dropped in the background; wait for the last. */
afterAll(settleDatabaseDrops);

/**
 * A worker runs many files in one module graph (vitest.config.ts `isolate: false`): a file that
 * left fake timers installed would stop every timer of the files after it (servers' polls, waits).
 */
afterAll(() => {
  vi.useRealTimers();
});
