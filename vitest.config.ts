import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './packages/server/src/test/sequencer';
import { testWorkers } from './packages/server/src/test/workers';

// Unit and integration tests of domain and server. End-to-end tests have their own config (e2e/).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    // Migrates one database per dialect for the whole run; each test gets a copy of it.
    globalSetup: ['packages/server/src/test/global-setup.ts'],
    // Cheap password hashing in the test processes only (not in servers or CLIs they spawn).
    setupFiles: ['packages/server/src/test/setup.ts'],
    // Process tests spawn the CLI and servers; on a busy 2-core machine they take a while.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // `expect.poll` awaits a condition; Vitest's default gives up after 1 s, which a busy CI
    // machine (a server answering a filtered table while another file runs) can exceed.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: testWorkers(),
    // A worker runs its files in one module graph instead of importing the whole server again for
    // each file (about a second of CPU a file, half the suite's CPU on a 2-core machine). The test
    // files share no state through modules: each builds its own app on its own database, and the
    // setup file (setup.ts) runs again before each.
    isolate: false,
    // The longest files first, from a recorded run (a clean clone has no cache of the last run).
    sequence: { sequencer: LongestFirstSequencer },
  },
});
