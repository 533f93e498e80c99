import path from 'node:path';

/**
 * The directory the server's code runs from: `packages/server/src` when the sources run (tsx,
 * Vitest), `packages/server/dist` when the compiled bundle runs (`npm run build`; every chunk sits
 * directly in dist/ and the build copies the non-code files under src/ to the same place under
 * dist/). A file the server reads beside its code is found from here the same way in both — never
 * from a module's own location, which the bundle moves.
 */
export const CODE_DIR = import.meta.dirname;

/** A file shipped with the code, by its path under src/ (and dist/). */
export function codeFile(relative: string): string {
  return path.join(CODE_DIR, relative);
}
