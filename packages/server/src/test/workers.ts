import os from 'node:os';

/**
 * How many test files run at once (vitest.config.ts `maxWorkers`). Vitest's default is one worker
 * less than the cores: a single worker on a 2-core machine, which then mostly waits — for
 * PostgreSQL, for the servers and CLIs the tests spawn, for sockets. Three files at a time keep
 * both cores busy there (docs/testing.md has the figures); a larger machine keeps the default.
 */
export function testWorkers(): number {
  return Math.max(3, os.availableParallelism() - 1);
}
