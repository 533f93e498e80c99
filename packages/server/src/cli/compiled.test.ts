import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// bin/compiled.js decides whether `releasegate` runs the compiled bundle or the sources (tsx).
// It is exercised here on a scratch copy of the package layout, with file times set by hand.
const COMPILED_JS = path.resolve(import.meta.dirname, '../../bin/compiled.js');

let root = '';
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

async function layout(files: Record<string, number>): Promise<() => boolean> {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-compiled-'));
  fs.writeFileSync(path.join(root, 'package.json'), '{"type":"module"}');
  const bin = path.join(root, 'packages/server/bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.copyFileSync(COMPILED_JS, path.join(bin, 'compiled.js'));
  const old = new Date('2026-01-01T00:00:00Z').getTime() / 1000;
  for (const [file, secondsLater] of Object.entries(files)) {
    const full = path.join(root, 'packages', file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, '');
    fs.utimesSync(full, old + secondsLater, old + secondsLater);
    for (
      let dir = path.dirname(full);
      dir.startsWith(path.join(root, 'packages', ''));
      dir = path.dirname(dir)
    )
      fs.utimesSync(dir, old, old);
  }
  const module = (await import(pathToFileURL(path.join(bin, 'compiled.js')).href)) as {
    compiledIsCurrent(): boolean;
  };
  return () => module.compiledIsCurrent();
}

describe('bin/compiled.js: is the compiled server current?', () => {
  it('no bundle: not current, the sources run', async () => {
    expect((await layout({ 'server/src/cli/main.ts': 0 }))()).toBe(false);
  });

  it('a bundle newer than every source of the server, domain and messages: current', async () => {
    const current = await layout({
      'server/src/cli/main.ts': 0,
      'domain/src/index.ts': 0,
      'messages/src/index.ts': 0,
      'server/dist/releasegate.mjs': 10,
    });
    expect(current()).toBe(true);
  });

  it('one source edited after the build, in a workspace package too: not current', async () => {
    expect((await layout({ 'server/src/a/b.ts': 20, 'server/dist/releasegate.mjs': 10 }))()).toBe(false);
    fs.rmSync(root, { recursive: true, force: true });
    expect((await layout({ 'domain/src/rules.ts': 20, 'server/dist/releasegate.mjs': 10 }))()).toBe(false);
  });

  it('no sources shipped (a production image holds dist/ only): current', async () => {
    expect((await layout({ 'server/dist/releasegate.mjs': 10 }))()).toBe(true);
  });
});
