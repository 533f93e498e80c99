import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as LanguageCommon from '@zxcvbn-ts/language-common';
import { codeFile } from '../../code-dir';

const CURATED = codeFile('modules/identity/common-passwords.txt');

let common: Set<string> | undefined;

/**
 * Whether a lower-cased password is one attackers try first: the well-kept general list of
 * zxcvbn-ts (about 49,000 passwords from public leaks) and our own list of what it misses —
 * Chinese-typical and longer ones (common-passwords.txt). Loaded once, on the first check.
 */
export function isCommonPassword(lowerCased: string): boolean {
  common ??= loadCommonPasswords();
  return common.has(lowerCased);
}

function loadCommonPasswords(): Set<string> {
  // Required here, not imported at the top: the dictionaries are read at the first password
  // check, not at every start of the server or the CLI (docs/performance.md).
  const { dictionary } = createRequire(import.meta.url)(
    '@zxcvbn-ts/language-common',
  ) as typeof LanguageCommon;
  return new Set([
    ...dictionary['passwords-common'],
    ...fs
      .readFileSync(CURATED, 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  ]);
}
