import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeNginxConfig } from '../../../scripts/nginx-site.mjs';
import { freePort } from './free-port';
import { stopChild } from './server';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export interface TestProxy {
  /** https://127.0.0.1:PORT — nginx, TLS with a self-signed certificate for 127.0.0.1. */
  httpsUrl: string;
  /** http://127.0.0.1:PORT — nginx's plain-HTTP server, which only redirects. */
  httpUrl: string;
  httpsPort: number;
  errorLog(): string;
  stop(): Promise<void>;
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
  // The shipped site with this run's addresses, and a main file keeping everything in `dir`.
  writeNginxConfig(dir, ports, { certificate, key });
  const errorLog = path.join(dir, 'error.log');
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
