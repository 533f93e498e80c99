import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { zh } from './zh';
import { zhAreas } from './testing';

const AREAS: Record<string, object> = zhAreas;

const SRC = path.resolve(import.meta.dirname, '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'i18n' ? [] : sourceFiles(file);
    return /\.tsx?$/.test(entry.name) && !/\.(test|d)\.tsx?$/.test(entry.name) ? [file] : [];
  });
}

/** What `path` (`['users', 'title']`) names in `texts`, if anything. */
function lookUp(texts: object, path: string[]): unknown {
  let node: unknown = texts;
  for (const part of path)
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return node;
}

/**
 * The area whose texts `key` (`users.title`, or a template's head `plan.statuses.`) names, if any;
 * a permission's name (`knowledge.write`, which has a text of its own under `permissions.`) is not a text.
 */
function areaOf(key: string): string | undefined {
  const path = key.replace(/\.$/, '').split('.');
  if (lookUp(zh, ['permissions', ...path]) !== undefined) return undefined;
  return Object.keys(AREAS).find((area) => lookUp(AREAS[area], path) !== undefined);
}

describe("issue #18 the app's Chinese texts by area", () => {
  it("X-3 every module that shows an area's text imports that area's texts, so no page ever shows a bare key", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const source = fs.readFileSync(file, 'utf8');
      const keys = source.matchAll(/['"`]([a-zA-Z]+(?:\.[A-Za-z0-9_]+)+\.?)(?=['"`]|\$\{)/g);
      for (const [, key] of keys) {
        const area = areaOf(key);
        if (area === undefined) continue;
        const imported = new RegExp(`(from |import )'[./]*(i18n/)?zh\\.${area}'`).test(source);
        if (!imported) missing.push(`${path.relative(SRC, file)}: ${key} needs zh.${area}`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("X-3 an area's texts are not also in the first download", () => {
    for (const texts of Object.values(AREAS))
      for (const section of Object.keys(texts)) expect(zh, section).not.toHaveProperty(section);
  });
});
