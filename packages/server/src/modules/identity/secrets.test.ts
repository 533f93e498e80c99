import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { PRODUCTION_HASH_PREFIX, TEST_PASSWORD_HASHING } from '../../test/password-hashing';
import {
  PRODUCTION_PASSWORD_HASHING,
  dummyPasswordHash,
  hashPassword,
  setPasswordHashingForTests,
  verifyPassword,
} from './secrets';

const run = promisify(execFile);

describe('X-4 password hashing: OWASP argon2id in production, cheap only inside the test process', () => {
  afterEach(() => {
    setPasswordHashingForTests(TEST_PASSWORD_HASHING);
  });

  it('X-4 a process that is not a Vitest worker hashes with the production costs, even with the environment of the tests (VITEST, NODE_ENV=test)', async () => {
    const script = [
      "const { hashPassword } = await import('./src/modules/identity/secrets.ts');",
      "process.stdout.write(await hashPassword('correct horse battery staple'));",
    ].join('\n');
    const { stdout } = await run('node', ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: new URL('../../../', import.meta.url),
      env: { ...process.env, NODE_ENV: 'test' },
    });
    expect(process.env.VITEST).toBeTruthy();
    expect(stdout.startsWith(PRODUCTION_HASH_PREFIX), stdout).toBe(true);
    expect(await verifyPassword(stdout, 'correct horse battery staple')).toBe(true);
  });

  it('X-4 the production costs are argon2id m=19456 t=2 p=1; the test process hashes cheaply until it puts them back', async () => {
    expect(PRODUCTION_PASSWORD_HASHING).toEqual({
      algorithm: 2,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
    });
    expect(await hashPassword('a password')).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
    setPasswordHashingForTests(PRODUCTION_PASSWORD_HASHING);
    const strong = await hashPassword('a password');
    expect(strong.startsWith(PRODUCTION_HASH_PREFIX), strong).toBe(true);
    // Verification takes the costs from the hash: either kind verifies whatever is in force.
    setPasswordHashingForTests(TEST_PASSWORD_HASHING);
    expect(await verifyPassword(strong, 'a password')).toBe(true);
    expect(await verifyPassword(strong, 'another password')).toBe(false);
  });

  it('X-4 the dummy hash of an unknown user name has the costs in force, so it costs what a real verification costs', async () => {
    expect(await dummyPasswordHash()).toMatch(/^\$argon2id\$v=19\$m=8,t=1,p=1\$/);
    setPasswordHashingForTests(PRODUCTION_PASSWORD_HASHING);
    expect((await dummyPasswordHash()).startsWith(PRODUCTION_HASH_PREFIX)).toBe(true);
  });

  it('X-4 outside Vitest (no VITEST in the environment) other costs are refused', () => {
    const vitest = process.env.VITEST;
    delete process.env.VITEST;
    try {
      expect(() => setPasswordHashingForTests(TEST_PASSWORD_HASHING)).toThrow(/test suite only/);
    } finally {
      process.env.VITEST = vitest;
    }
  });
});
