import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The Node.js we promise (package.json "engines", README) must be one every production
// dependency says it runs on: `npm ci --omit=dev` installs exactly the lockfile's non-dev
// entries, and `npm install` warns (EBADENGINE) about any that asks for a newer Node.js.
const require = createRequire(import.meta.url);
const semver = require('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface LockEntry {
  version?: string;
  dev?: boolean;
  link?: boolean;
  engines?: { node?: string } | string[];
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

const stated = readJson<{ engines: { node: string } }>(path.join(ROOT, 'package.json')).engines.node;
const minimum = semver.minVersion(stated)?.version ?? '';

/** A stated engines.node (a few old packages give engines as an array, which npm ignores). */
function nodeOf(engines: LockEntry['engines']): string[] {
  return engines && !Array.isArray(engines) && engines.node ? [engines.node] : [];
}

/**
 * The Node.js ranges a package states: in the lockfile (what `npm ci` installs) and in its
 * installed package.json, when the installed copy is the locked version.
 */
function nodeRanges(location: string, entry: LockEntry): string[] {
  const file = path.join(ROOT, location, 'package.json');
  const installed = fs.existsSync(file) ? readJson<LockEntry>(file) : undefined;
  return [
    ...nodeOf(entry.engines),
    ...(installed && installed.version === entry.version ? nodeOf(installed.engines) : []),
  ];
}

describe('Node.js engines', () => {
  it(`we state a minimum (${stated}), and this machine's Node.js meets it`, () => {
    expect(minimum).toMatch(/^\d+\.\d+\.\d+$/);
    expect(semver.satisfies(process.versions.node, stated)).toBe(true);
  });

  it('every production dependency in the lockfile runs on our minimum Node.js', () => {
    const lock = readJson<{ packages: Record<string, LockEntry> }>(path.join(ROOT, 'package-lock.json'));
    const production = Object.entries(lock.packages).filter(
      ([location, entry]) => location.includes('node_modules/') && !entry.dev && !entry.link,
    );
    expect(production.length).toBeGreaterThan(100);
    const refusing = production.flatMap(([location, entry]) => {
      const name = location.replace(/^.*node_modules\//, '');
      return [...new Set(nodeRanges(location, entry))]
        .filter((range) => !semver.satisfies(minimum, range))
        .map((range) => `${name}@${entry.version}: node ${range}`);
    });
    expect(refusing, `these need a newer Node.js than ${minimum}`).toEqual([]);
  });
});
