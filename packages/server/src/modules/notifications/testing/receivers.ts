import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { tempDir } from '../../../test/databases';
import { freePort } from '../../../test/server-process';

/** A real SMTP server (aiosmtpd from Debian's python3-aiosmtpd) that keeps what it receives. */
export interface SmtpSink {
  url: string;
  /** The messages received so far, parsed by Python's e-mail package. */
  messages(): SmtpMessage[];
  stop(): Promise<void>;
}

export interface SmtpMessage {
  mailFrom: string;
  rcptTos: string[];
  from: string;
  to: string;
  subject: string;
  /** The Subject header as sent (MIME encoded words). */
  rawSubject: string;
  contentType: string;
  charset: string | null;
  text: string | null;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const port = await freePort();
  const out = tempDir('rg-smtp-');
  const child = spawn(
    '/usr/bin/python3',
    [path.join(import.meta.dirname, 'smtp-sink.py'), String(port), out],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`smtp sink exited with ${code}: ${err}`)));
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () =>
      fs
        .readdirSync(out)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(out, f), 'utf8')) as SmtpMessage),
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.stdin.end();
        await exited;
      }
      fs.rmSync(out, { recursive: true, force: true });
    },
  };
}

export interface ReceivedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered. */
  status: number;
}

/** The answer: a status, a body (a string as it is, anything else as JSON) and extra headers. */
export type Responder = (request: Omit<ReceivedRequest, 'status'>) => {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

/**
 * A webhook receiver on a loopback port (127.0.0.1 unless told: 127.0.0.2 or ::1 play an internal
 * host the policy forbids). It answers with `respond` (200 by default), counts every TCP connection
 * that reaches it (X-4 tests prove a refused target is never connected), and can be stopped (the
 * port closed: connection refused) and started again on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: Responder = () => ({ status: 200, body: { ok: true } });
  /** TCP connections accepted so far, whether or not a request followed. */
  connections = 0;
  /** True: requests are read but never answered (the caller's timeout is what ends them). */
  hang = false;
  private server: http.Server | undefined;

  private constructor(
    readonly port: number,
    readonly host: string,
  ) {}

  static async start(host = '127.0.0.1', port?: number): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(port ?? (await freePort()), host);
    await receiver.listen();
    return receiver;
  }

  url(pathAndQuery = '/'): string {
    return `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}${pathAndQuery}`;
  }

  /** Requests the receiver accepted (a 2xx answer). */
  get accepted(): ReceivedRequest[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300);
  }

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (this.hang) return;
        const url = new URL(req.url ?? '/', 'http://receiver');
        const request = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const answer = this.respond(request);
        this.requests.push({ ...request, status: answer.status });
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(
          answer.body === undefined
            ? ''
            : typeof answer.body === 'string'
              ? answer.body
              : JSON.stringify(answer.body),
        );
      });
    });
    server.on('connection', () => this.connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => resolve());
    });
    this.server = server;
  }

  /** Closes the port: deliveries now fail with "connection refused". */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
