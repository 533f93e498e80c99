import { defineConfig } from 'vitest/config';

// Unit and integration tests of domain and server. End-to-end tests have their own config (e2e/).
export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
