import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASON_CODES, en } from '@releasegate/messages';

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

  it('X-3 no web file reads a text the server stores back from its English: CI history reasons and delivery errors, quoted or in a regular expression', () => {
    // The server stores these texts and sends their codes beside them (ci_history.system_reason,
    // notification_deliveries.last_error_reason); the web once parsed them with regexes
    // (HistoryTab.tsx: `import of …`, `… CMDB update (PO-2)`; deliveryText.ts: `HTTP n`, `timeout:
    // no answer from …`, `… not listed in OUTBOUND_ALLOW`…). Escapes are dropped so a regular
    // expression's `\(PO-2\)` reads as the sentence; the locale files are the web's own words.
    const stored = REASON_CODES.filter((code) => /^(history|delivery)_/.test(code));
    expect(stored.length).toBeGreaterThan(10);
    const phrases = stored
      .flatMap((code) => en.reasons[code].split(/\{\{[^}]*\}\}|: /))
      .map((p) => p.trim())
      .filter((p) => p.length >= 8 && p.includes(' '));
    const found = webSources()
      .filter(({ file }) => !file.startsWith(`i18n${path.sep}`))
      .flatMap(({ file, text }) => {
        const unescaped = text.replace(/\\/g, '');
        return phrases.filter((p) => unescaped.includes(p)).map((p) => `${file}: ${p}`);
      });
    expect(found).toEqual([]);
  });
});
