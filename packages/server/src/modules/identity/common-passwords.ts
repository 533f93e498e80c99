import fs from 'node:fs';
import { dictionary } from '@zxcvbn-ts/language-common';
import { codeFile } from '../../code-dir';

const CURATED = codeFile('modules/identity/common-passwords.txt');

let common: Set<string> | undefined;

/**
 * Whether a lower-cased password is one attackers try first: the well-kept general list of
 * zxcvbn-ts (about 49,000 passwords from public leaks) and our own list of what it misses —
 * Chinese-typical and longer ones (common-passwords.txt). Loaded once, on the first check.
 */
export function isCommonPassword(lowerCased: string): boolean {
  common ??= new Set([
    ...dictionary['passwords-common'],
    ...fs
      .readFileSync(CURATED, 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter((line) => line !== '' && !line.startsWith('#')),
  ]);
  return common.has(lowerCased);
}
