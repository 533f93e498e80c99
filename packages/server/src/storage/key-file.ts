import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Creates a key file readable by its owner only, whole or not at all: the content is written to
 * a temporary file first and then linked into place, which fails if the file exists. Two nodes
 * starting at once on a shared directory therefore never read a half-written key; the one that
 * loses gets false and reads the winner's.
 */
export function createKeyFile(file: string, content: string | Buffer): boolean {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, content, { mode: 0o600, flag: 'wx' });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
