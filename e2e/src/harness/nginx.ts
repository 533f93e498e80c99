import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { REPO_ROOT } from './paths';
import { stopChild } from './server';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
/** The site configuration we ship; the test runs it, not a copy written for the test. */
export const SHIPPED_SITE = path.join(REPO_ROOT, 'deploy/nginx/releasegate.conf');

export interface TestProxy {
  /** https://127.0.0.1:PORT — nginx, TLS with a self-signed certificate for 127.0.0.1. */
  httpsUrl: string;
  /** http://127.0.0.1:PORT — nginx's plain-HTTP server, which only redirects. */
  httpUrl: string;
  httpsPort: number;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * The shipped site with this run's addresses: each edit names the exact text it replaces and
 * fails if that text is gone, so the file cannot drift from what the test checks.
 */
export function siteForTest(
  site: string,
  ports: { http: number; https: number; upstream: number },
  tls: { certificate: string; key: string },
): string {
  const edits: [string, string][] = [
    ['server 127.0.0.1:3000;', `server 127.0.0.1:${ports.upstream};`],
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

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Debian's nginx in front of the server at `upstreamPort`, as a child process in the foreground
 * (`daemon off`), with everything it writes — configuration, certificate, pid file, logs,
 * temporary files — in a fresh directory given as its prefix (`-p`).
 */
export async function startNginx(upstreamPort: number): Promise<TestProxy> {
  if (!fs.existsSync(NGINX))
    throw new Error(`No nginx at ${NGINX} (apt-get install nginx, as .ci/run does; or set NGINX_PATH)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-nginx-'));
  const certificate = path.join(dir, 'test.crt');
  const key = path.join(dir, 'test.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { stdio: 'ignore' },
  );
  const ports = { http: await freePort(), https: await freePort(), upstream: upstreamPort };
  fs.writeFileSync(
    path.join(dir, 'releasegate.conf'),
    siteForTest(fs.readFileSync(SHIPPED_SITE, 'utf8'), ports, { certificate, key }),
  );
  const errorLog = path.join(dir, 'error.log');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    [
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
      `  include ${path.join(dir, 'releasegate.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', errorLog], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const readLog = () => (fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '');

  const stop = async () => {
    await stopChild(child, 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  while (!(await listening(ports.https)) || !(await listening(ports.http))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const why = `nginx did not start (exit ${child.exitCode}):\n${output}\n${readLog()}`;
      await stop();
      throw new Error(why);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    httpsUrl: `https://127.0.0.1:${ports.https}`,
    httpUrl: `http://127.0.0.1:${ports.http}`,
    httpsPort: ports.https,
    errorLog: readLog,
    stop,
  };
}
