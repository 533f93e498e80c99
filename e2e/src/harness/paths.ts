import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whatever directory the tests are started from. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVER_BIN = path.join(REPO_ROOT, 'packages/server/bin/releasegate.js');
export const WEB_DIST_INDEX = path.join(REPO_ROOT, 'packages/web/dist/index.html');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'e2e/screenshots');
