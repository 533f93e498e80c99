import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS, tempDir } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';

/** The parts of the policy an auditor checks first; the whole policy is in security-headers.ts. */
const directives = (csp: string | null) =>
  new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...values]) => [name, values]),
  );

/** A built web app of two files, as `npm run build` leaves in packages/web/dist. */
function webDist(): string {
  const dir = tempDir('rg-web-');
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>ReleaseGate</title>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
  return dir;
}

describe.each(DIALECTS)('X-4 security headers on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it("X-4 every answer but a script — page, API, error, 404, API docs, a page answering a script's path — carries a strict CSP, nosniff, no-referrer and DENY; no HSTS over http", async () => {
    t = await startTestApp(dialect, { WEB_DIST_DIR: webDist() });
    const paths = [
      '/',
      '/releases/some/page',
      // No such file: the app's page answers, and a page keeps its policy whatever its path.
      '/assets/missing-Ab12Cd34.js',
      '/healthz',
      '/api/auth/session',
      '/api/no-such-endpoint',
      '/api/docs/',
      '/api/openapi.json',
    ];
    for (const p of paths) {
      const r = await fetch(t.url + p);
      const h = r.headers;
      const csp = directives(h.get('content-security-policy'));
      expect(csp.get('script-src'), p).toEqual(["'self'"]);
      expect(csp.get('script-src-attr'), p).toEqual(["'none'"]);
      expect(csp.get('default-src'), p).toEqual(["'self'"]);
      expect(csp.get('object-src'), p).toEqual(["'none'"]);
      expect(csp.get('base-uri'), p).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), p).toEqual(["'none'"]);
      // 'unsafe-inline' for styles only (Ant Design's CSS-in-JS, decision 0013); never for script.
      expect(csp.get('style-src'), p).toEqual(["'self'", "'unsafe-inline'"]);
      expect(h.get('content-security-policy'), p).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/);
      expect(csp.has('upgrade-insecure-requests'), p).toBe(false);
      expect(h.get('x-content-type-options'), p).toBe('nosniff');
      expect(h.get('referrer-policy'), p).toBe('no-referrer');
      expect(h.get('x-frame-options'), p).toBe('DENY');
      expect(h.get('cross-origin-opener-policy'), p).toBe('same-origin');
      expect(h.get('strict-transport-security'), p).toBeNull();
      await r.arrayBuffer();
    }
  });

  it('X-4 #18 a script carries the headers that protect a script (nosniff, same-origin resource policy), not the ~0.6 KB a document needs', async () => {
    t = await startTestApp(dialect, { WEB_DIST_DIR: webDist() });
    for (const p of ['/assets/app.js', '/api/docs/static/swagger-ui-bundle.js']) {
      const r = await fetch(t.url + p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get('content-type'), p).toMatch(/javascript/);
      expect(r.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(r.headers.get('cross-origin-resource-policy'), p).toBe('same-origin');
      for (const documentOnly of [
        'content-security-policy',
        'x-frame-options',
        'referrer-policy',
        'cross-origin-opener-policy',
        'x-xss-protection',
      ])
        expect(r.headers.get(documentOnly), `${p} ${documentOnly}`).toBeNull();
      await r.arrayBuffer();
    }
  });

  it('X-4 HSTS, and upgrade-insecure-requests, only when PUBLIC_URL is https', async () => {
    t = await startTestApp(dialect, { PUBLIC_URL: 'https://release.example.com', WEB_DIST_DIR: webDist() });
    const script = await fetch(`${t.url}/assets/app.js`);
    expect(script.headers.get('strict-transport-security'), 'a script too').toBe(
      'max-age=31536000; includeSubDomains',
    );
    const r = await fetch(`${t.url}/healthz`);
    expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(directives(r.headers.get('content-security-policy')).has('upgrade-insecure-requests')).toBe(true);
  });
});
