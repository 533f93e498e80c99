import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe('pickers in Beijing time', () => {
  it("X-3 no page uses Ant Design's own DatePicker or Calendar (they work in the browser's zone)", () => {
    const offenders = sources(WEB_SRC)
      .filter((file) => !file.endsWith(path.join('common', 'beijingPickers.tsx')))
      .filter((file) => {
        const text = fs.readFileSync(file, 'utf8');
        const fromAntd = [...text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'antd'/g)].flatMap((m) =>
          (m[1] ?? '').split(',').map((name) => name.trim()),
        );
        return fromAntd.some((name) => name === 'DatePicker' || name === 'Calendar');
      })
      .map((file) => path.relative(WEB_SRC, file));
    expect(offenders).toEqual([]);
  });
});
