import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { tempDir, TEST_DATABASE_URL } from './databases';
import { dropPostgresRun, makePostgresTemplate, makeSqliteTemplate, type TestTemplates } from './templates';

declare module 'vitest' {
  export interface ProvidedContext {
    testTemplates: TestTemplates;
  }
}

/**
 * Vitest's global setup (vitest.config.ts), once per run before any test file: migrates one
 * database of each dialect, which createTestDatabase copies for every test; removes them after
 * the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = tempDir('rg-template-');
  const templates: TestTemplates = {
    sqliteFile: await makeSqliteTemplate(dir),
    ...(TEST_DATABASE_URL && { postgres: await makePostgresTemplate(TEST_DATABASE_URL) }),
  };
  project.provide('testTemplates', templates);
  return async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    if (TEST_DATABASE_URL && templates.postgres) await dropPostgresRun(TEST_DATABASE_URL, templates.postgres);
  };
}
