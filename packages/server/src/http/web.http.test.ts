import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, tempDir } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { IMMUTABLE, isHashedAsset } from './web';

const SCRIPT = 'export const answer = 42;\n'.repeat(200);
const PAGE =
  '<!doctype html><title>ReleaseGate</title><script type="module" src="/assets/index-Ab3_x-9Z.js"></script>';

/** A built web app as `npm run build` leaves it: each text file beside its .br and .gz copies. */
function webDist(): string {
  const dir = tempDir('rg-web-');
  const write = (file: string, text: string) => {
    fs.writeFileSync(path.join(dir, file), text);
    fs.writeFileSync(path.join(dir, `${file}.br`), zlib.brotliCompressSync(text));
    fs.writeFileSync(path.join(dir, `${file}.gz`), zlib.gzipSync(text));
  };
  fs.mkdirSync(path.join(dir, 'assets'));
  write('index.html', PAGE);
  write('assets/index-Ab3_x-9Z.js', SCRIPT);
  fs.writeFileSync(path.join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return dir;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body as sent, decoded according to its Content-Encoding. */
  text: string;
  /** Bytes on the wire. */
  length: number;
}

/** A GET that sends exactly the Accept-Encoding given (fetch adds its own and decodes). */
function get(url: string, acceptEncoding?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding };
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          const encoding = res.headers['content-encoding'];
          const decoded =
            encoding === 'br'
              ? zlib.brotliDecompressSync(body)
              : encoding === 'gzip'
                ? zlib.gunzipSync(body)
                : body;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: decoded.toString(),
            length: body.length,
          });
        });
      })
      .on('error', reject);
  });
}

describe('web asset names', () => {
  it('#18 only content-hashed files in assets/ count as immutable', () => {
    const dist = '/srv/web';
    expect(isHashedAsset(dist, '/srv/web/assets/index-Ab3_x-9Z.js')).toBe(true);
    expect(isHashedAsset(dist, '/srv/web/assets/index-Ab3_x-9Z.js.br')).toBe(true);
    expect(isHashedAsset(dist, '/srv/web/assets/index-D2FMymdh.css.gz')).toBe(true);
    expect(isHashedAsset(dist, '/srv/web/index.html')).toBe(false);
    expect(isHashedAsset(dist, '/srv/web/favicon.svg')).toBe(false);
    expect(isHashedAsset(dist, '/srv/web/assets/logo.svg')).toBe(false);
    expect(isHashedAsset(dist, '/srv/web/assets/nested/a-Ab3_x-9Z.js')).toBe(false);
  });
});

describe.each(DIALECTS)('#18 the web app is served compressed and cached on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it("#18 a hashed script: brotli when accepted, else gzip, else as is; immutable for a year; Vary: Accept-Encoding; a script's security headers, not a document's (decision 0031)", async () => {
    t = await startTestApp(dialect, { WEB_DIST_DIR: webDist() });
    const url = `${t.url}/assets/index-Ab3_x-9Z.js`;
    const cases: [string | undefined, string | undefined][] = [
      ['br, gzip', 'br'],
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['deflate', undefined],
      [undefined, undefined],
    ];
    for (const [accept, encoding] of cases) {
      const r = await get(url, accept);
      const what = `Accept-Encoding: ${accept ?? '(none)'}`;
      expect(r.status, what).toBe(200);
      expect(r.headers['content-encoding'], what).toBe(encoding);
      expect(r.headers['content-type'], what).toMatch(/^text\/javascript|^application\/javascript/);
      expect(r.headers['cache-control'], what).toBe(IMMUTABLE);
      expect(r.headers.vary, what).toMatch(/accept-encoding/i);
      expect(r.text, what).toBe(SCRIPT);
      if (encoding) expect(r.length, what).toBeLessThan(SCRIPT.length / 10);
      else expect(r.length, what).toBe(SCRIPT.length);
      expect(r.headers['x-content-type-options'], what).toBe('nosniff');
      expect(r.headers['cross-origin-resource-policy'], what).toBe('same-origin');
      expect(r.headers['content-security-policy'], what).toBeUndefined();
    }
  });

  it('#18 index.html, at / and as the fallback of any page, and other unhashed files are revalidated (no-cache), compressed too', async () => {
    t = await startTestApp(dialect, { WEB_DIST_DIR: webDist() });
    for (const p of ['/', '/releases/some/page?tab=rollback']) {
      const r = await get(t.url + p, 'br, gzip');
      expect(r.status, p).toBe(200);
      expect(r.headers['cache-control'], p).toBe('no-cache');
      expect(r.headers['content-encoding'], p).toBe('br');
      expect(r.headers['content-type'], p).toMatch(/^text\/html/);
      expect(r.headers.vary, p).toMatch(/accept-encoding/i);
      expect(r.text, p).toBe(PAGE);
      expect(r.headers['x-frame-options'], p).toBe('DENY');
    }
    const plain = await get(`${t.url}/`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.text).toBe(PAGE);
    // No compressed copy of the favicon: sent as it is, still revalidated.
    const icon = await get(`${t.url}/favicon.svg`, 'br, gzip');
    expect(icon.status).toBe(200);
    expect(icon.headers['content-encoding']).toBeUndefined();
    expect(icon.headers['cache-control']).toBe('no-cache');
    // The API is not the web app's: no asset caching there.
    const api = await get(`${t.url}/api/no-such-endpoint`, 'br, gzip');
    expect(api.status).toBe(404);
    expect(api.headers['cache-control']).not.toBe(IMMUTABLE);
  });

  it('X-4 HEAD of a page answers as its GET does, without a body (monitors and link checkers ask it); HEAD of an unknown API path stays 404', async () => {
    t = await startTestApp(dialect, { WEB_DIST_DIR: webDist() });
    for (const p of ['/', '/releases/some/page?tab=rollback']) {
      const r = await fetch(t.url + p, { method: 'HEAD' });
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type'), p).toMatch(/^text\/html/);
      expect(r.headers.get('cache-control'), p).toBe('no-cache');
      expect(r.headers.get('content-security-policy'), p).toContain("script-src 'self'");
      expect(await r.text(), p).toBe('');
    }
    expect((await fetch(`${t.url}/api/no-such-endpoint`, { method: 'HEAD' })).status).toBe(404);
    expect((await fetch(`${t.url}/`, { method: 'DELETE' })).status).toBe(404);
  });
});
