#!/usr/bin/env node
// The `releasegate` command. It runs the compiled server (packages/server/dist, written by
// `npm run build`) when that exists and is newer than every source; otherwise — in development,
// in the tests after an edit, before the first build — the TypeScript sources through tsx
// (docs/decisions/0001). RELEASEGATE_RUN=compiled or =sources forces one or the other.
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { COMPILED_ENTRY, compiledIsCurrent } from './compiled.js';

function useCompiled() {
  const forced = process.env.RELEASEGATE_RUN;
  if (forced === 'compiled' || forced === 'sources') return forced === 'compiled';
  if (forced) {
    console.error(`RELEASEGATE_RUN must be "compiled" or "sources", not "${forced}"`);
    process.exit(2);
  }
  return compiledIsCurrent();
}

if (useCompiled()) {
  await import(pathToFileURL(COMPILED_ENTRY).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error(
      `${fs.existsSync(COMPILED_ENTRY) ? 'The compiled server is older than its sources' : 'The server is not compiled'}` +
        ' and tsx (a development dependency) is not installed: run `npm run build` where the' +
        ' development dependencies are installed.',
    );
    process.exit(1);
  }
  register();
  await import('../src/cli/main.ts');
}
