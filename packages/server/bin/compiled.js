// Whether the compiled server (packages/server/dist, `npm run build`) is current: it exists and
// no file or directory of the sources it was compiled from changed after it. Read by the
// `releasegate` command (bin/releasegate.js) and by `npm start` (scripts/start.mjs).
import fs from 'node:fs';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '..');

/** The bundle's entry. */
export const COMPILED_ENTRY = path.join(packageDir, 'dist/releasegate.mjs');

/** The sources compiled into it: the server's and the workspace packages it imports. */
const SOURCE_DIRS = ['server/src', 'domain/src', 'messages/src'].map((dir) =>
  path.join(packageDir, '..', dir),
);

/** True when some file or directory under `dir` changed after `time` (ms). */
function changedAfter(dir, time) {
  if (fs.statSync(dir).mtimeMs > time) return true;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() ? changedAfter(full, time) : fs.statSync(full).mtimeMs > time) return true;
  }
  return false;
}

/**
 * True when the bundle exists and is newer than every source present. Where the sources are not
 * shipped (a production image holds dist/ only), the bundle is current by definition.
 */
export function compiledIsCurrent() {
  if (!fs.existsSync(COMPILED_ENTRY)) return false;
  const built = fs.statSync(COMPILED_ENTRY).mtimeMs;
  return !SOURCE_DIRS.some((dir) => fs.existsSync(dir) && changedAfter(dir, built));
}
