import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// End-to-end tests: the real server and a real Chromium. Each file starts its own server, browser
// and data directory on free ports, so two files run at once: one file alone left a third of the
// 2-core machine idle (waiting for the browser and the server in turn); two at once took the suite
// from 461 s to 336 s here. More would only share the same two cores.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['e2e/src/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // `expect.poll` awaits a condition; Vitest's default gives up after 1 s, which a busy CI
    // machine (a server answering a filtered table while another file runs) can exceed.
    expect: { poll: { timeout: 15_000 } },
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    sequence: { concurrent: false, shuffle: false },
  },
});
