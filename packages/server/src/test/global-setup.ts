import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { tempDir, TEST_DATABASE_URL } from './databases';
import { dropPostgresRun, makePostgresTemplate, makeSqliteTemplate, type TestTemplates } from './templates';

declare module 'vitest' {
  export interface ProvidedContext {
    testTemplates: TestTemplates;
  }
}

/**
 * Compiles the server (scripts/build-server.mjs, half a second) so that every process a test
 * starts (`releasegate serve`, the CLI) runs the compiled bundle we ship rather than compiling the
 * sources through tsx at each start, which cost about a second of CPU per process.
 */
function buildServer(): void {
  const root = path.resolve(import.meta.dirname, '../../../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], { stdio: 'pipe' });
}

/**
 * Vitest's global setup (vitest.config.ts), once per run before any test file: compiles the
 * server, migrates one database of each dialect, which createTestDatabase copies for every test;
 * removes them after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  buildServer();
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
