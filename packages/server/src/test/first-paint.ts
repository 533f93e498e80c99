import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { tempDir } from './databases';

/**
 * Issue #18 (decision 0030): what the tests of a phone's first paint share — the web app's
 * renderer built as `npm run build` builds it (once per test process), a fixture web build around
 * it, and the page's data read back as the browser's app reads it.
 */
const WEB = fileURLToPath(new URL('../../../web/', import.meta.url));

/** A mid-range Android phone's Chrome, as it names itself. */
export const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 11; Pixel 5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36';

let renderer: Promise<string> | undefined;

/** packages/web/dist-server, built into a temporary directory the first time it is asked for. */
function builtRenderer(): Promise<string> {
  renderer ??= (async () => {
    const outDir = path.join(tempDir('rg-first-paint-renderer-'), 'dist-server');
    // Vite reads a production build from NODE_ENV, which vitest sets to 'test'.
    const testEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.join(WEB, 'vite.server.config.ts'),
        build: { outDir },
        logLevel: 'silent',
      });
    } finally {
      process.env.NODE_ENV = testEnv;
    }
    return outDir;
  })();
  return renderer;
}

/**
 * A web build for WEB_DIST_DIR: `files` (index.html, assets/…) in a `dist` whose sibling
 * `dist-server` is the built renderer, where the server looks for it.
 */
export async function webBuildWithRenderer(files: Record<string, string>): Promise<string> {
  const dir = tempDir('rg-first-paint-');
  const dist = path.join(dir, 'dist');
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dist, file)), { recursive: true });
    fs.writeFileSync(path.join(dist, file), text);
  }
  fs.symlinkSync(await builtRenderer(), path.join(dir, 'dist-server'));
  return dist;
}

/**
 * A built index.html as Vite writes it: the app's module script in the head, with `early` (the
 * early data script) before it and `sheet` (the app's style sheet link) after it when given.
 */
export function indexHtml({ early, sheet }: { early?: string; sheet?: string } = {}): string {
  const head = [
    early,
    '<meta charset="UTF-8" />',
    '<title>发布管理平台 · ReleaseGate</title>',
    '<script type="module" crossorigin src="/assets/index-Ab3_x-9Z.js"></script>',
    sheet,
  ]
    .filter(Boolean)
    .map((line) => `    ${line}`)
    .join('\n');
  return `<!doctype html>\n<html lang="zh-CN">\n  <head>\n${head}\n  </head>\n  <body>\n    <div id="root"></div>\n  </body>\n</html>\n`;
}

/** The headers of a phone asking for a page. */
export const asPage = (userAgent: string, extra: Record<string, string> = {}) => ({
  accept: 'text/html,application/xhtml+xml',
  'user-agent': userAgent,
  ...extra,
});

export interface FirstPaintData {
  now: number;
  queries: { queries: { queryKey: unknown[]; state: { data: any } }[] };
}

/** The data a drawn page carries (web src/firstPaint.ts), parsed as the browser's app parses it. */
export function pageData(html: string): FirstPaintData {
  const match = /<script type="application\/json" id="releasegate-first-paint">(.*?)<\/script>/s.exec(html);
  if (!match) throw new Error('the page carries no data');
  return JSON.parse(match[1]) as FirstPaintData;
}
