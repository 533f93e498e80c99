import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from '@releasegate/messages';

const WEB_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function webSources(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      // The generated OpenAPI types are the server's own description, and tests may feed the
      // functions server answers: what is checked is the code that ships.
      else if (
        /\.tsx?$/.test(entry.name) &&
        entry.name !== 'openapi.d.ts' &&
        !/\.test\.tsx?$/.test(entry.name)
      )
        out.push({ file: path.relative(WEB_SRC, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(WEB_SRC);
  return out;
}

/** The static words of an English template: what would show that a file copies server prose. */
const staticParts = (template: string) =>
  template
    .split(/\{\{[^}]*\}\}/)
    .map((p) => p.trim())
    .filter((p) => p.length >= 24);

describe('X-3 the web reads codes, never server sentences (issue #14)', () => {
  it('X-3 no web file names a rule by its English sentence or copies a reason, gap or field sentence', () => {
    const sentences = [
      ...Object.values(en.rules).filter((r) => r.length > 6),
      ...Object.values(en.reasons).flatMap(staticParts),
      ...Object.values(en.gaps),
      ...Object.values(en.fields).flatMap(staticParts),
    ];
    const found = webSources().flatMap(({ file, text }) =>
      sentences.filter((s) => text.includes(`'${s}`) || text.includes(`"${s}`)).map((s) => `${file}: ${s}`),
    );
    expect(found).toEqual([]);
  });
});
