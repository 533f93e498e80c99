// The shipped nginx site (deploy/nginx/releasegate.conf) run unprivileged in a scratch directory:
// shared by the end-to-end test (e2e/src/harness/nginx.ts) and the deploy drill
// (scripts/deploy-drill.sh), so that both run the very file we ship with only its addresses and
// certificate paths replaced.
//
// As a command: node scripts/nginx-site.mjs DIR HTTP_PORT HTTPS_PORT CERT KEY UPSTREAM_PORT...
// writes DIR/releasegate.conf (the site) and DIR/nginx.conf (the main file that includes it);
// then `nginx -p DIR -c DIR/nginx.conf -e DIR/error.log` runs it in the foreground.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The site configuration we ship. */
export const SHIPPED_SITE = path.resolve(import.meta.dirname, '../deploy/nginx/releasegate.conf');

/**
 * The shipped site with this run's addresses: each edit names the exact text it replaces and
 * fails if that text is gone, so the file cannot drift from what the test and the drill check.
 * `upstream` is one port or several (one `server` line each, as docs/deploy.md says for nodes).
 */
export function siteForTest(site, ports, tls) {
  const upstreams = [ports.upstream].flat();
  const edits = [
    ['server 127.0.0.1:3000;', upstreams.map((port) => `server 127.0.0.1:${port};`).join('\n    ')],
    ['    listen 80;\n', `    listen 127.0.0.1:${ports.http};\n`],
    ['    listen [::]:80;\n', ''],
    ['    listen 443 ssl http2;\n', `    listen 127.0.0.1:${ports.https} ssl http2;\n`],
    ['    listen [::]:443 ssl http2;\n', ''],
    ['/etc/ssl/certs/releasegate.example.com.pem', tls.certificate],
    ['/etc/ssl/private/releasegate.example.com.key', tls.key],
  ];
  return edits.reduce((text, [from, to]) => {
    if (!text.includes(from)) throw new Error(`deploy/nginx/releasegate.conf no longer has "${from.trim()}"`);
    return text.split(from).join(to);
  }, site);
}

/**
 * nginx's main file for a run in the foreground (`daemon off`) with everything it writes — pid
 * file, logs, temporary files — in `dir`, and the site included from `siteFile`.
 */
export function mainConfig(dir, siteFile, errorLog) {
  return [
    'daemon off;',
    // As root, the workers would otherwise run as "nobody", who cannot use this directory.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    'worker_processes 1;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${errorLog} info;`,
    'events { worker_connections 256; }',
    'http {',
    `  access_log ${path.join(dir, 'access.log')};`,
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (kind) => `  ${kind}_temp_path ${path.join(dir, kind)};`,
    ),
    `  include ${siteFile};`,
    '}',
    '',
  ].join('\n');
}

/** Writes DIR/releasegate.conf and DIR/nginx.conf; nginx's error log is DIR/error.log. */
export function writeNginxConfig(dir, ports, tls) {
  const siteFile = path.join(dir, 'releasegate.conf');
  fs.writeFileSync(siteFile, siteForTest(fs.readFileSync(SHIPPED_SITE, 'utf8'), ports, tls));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir, siteFile, path.join(dir, 'error.log')));
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [dir, http, https, certificate, key, ...upstream] = process.argv.slice(2);
  if (!upstream.length) {
    console.error('usage: node scripts/nginx-site.mjs DIR HTTP_PORT HTTPS_PORT CERT KEY UPSTREAM_PORT...');
    process.exit(2);
  }
  writeNginxConfig(
    dir,
    { http: Number(http), https: Number(https), upstream: upstream.map(Number) },
    { certificate, key },
  );
}
