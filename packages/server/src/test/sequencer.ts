import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds each test file took in a recorded run of the whole suite (scripts/record-test-durations.mjs). */
const DURATIONS_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'file-durations.json');
/** A file the record does not know yet (a new one) is assumed to take this long. */
const UNKNOWN_SECONDS = 10;

/**
 * Runs the longest test files first. Workers take the next file when they finish one, so starting
 * with the longest leaves the short ones to fill the end; Vitest's own order needs its cache of
 * the last run, which a clean clone (CI) does not have, and then runs larger files first — which
 * left the authorization walk and the server-process tests (1.5 minutes each) starting in the last
 * third of the run (docs/testing.md).
 */
export class LongestFirstSequencer extends BaseSequencer {
  private readonly seconds: Record<string, number> = fs.existsSync(DURATIONS_FILE)
    ? (JSON.parse(fs.readFileSync(DURATIONS_FILE, 'utf8')) as Record<string, number>)
    : {};

  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (file: TestSpecification) =>
      this.seconds[path.relative(root, file.moduleId).split(path.sep).join('/')] ?? UNKNOWN_SECONDS;
    return [...files].sort((a, b) => weight(b) - weight(a));
  }
}
