import net from 'node:net';

/** What a raw HTTP/1.1 connection saw: the text received, and whether and when it was closed. */
export interface RawConnection {
  socket: net.Socket;
  /** Everything received so far. */
  received(): string;
  /** Resolves with the received text once it contains `text`, or rejects after `ms`. */
  waitFor(text: string | RegExp, ms: number): Promise<string>;
  /** Resolves with the milliseconds from connect to close, or null if still open after `ms`. */
  closedWithin(ms: number): Promise<number | null>;
}

/**
 * A connection that sends exactly the bytes a test writes, when it writes them: a client that
 * trickles a body, stops half-way through its headers, or keeps sending after an early answer —
 * what fetch cannot be made to do.
 */
export function rawConnection(baseUrl: string): Promise<RawConnection> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const started = Date.now();
    let text = '';
    let closedAt: number | null = null;
    const listeners = new Set<() => void>();
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
      for (const l of listeners) l();
    });
    // A reset after the answer is one way of closing; the test looks at what was received.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closedAt = Date.now() - started;
      for (const l of listeners) l();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        received: () => text,
        waitFor(expected, ms) {
          const seen = () => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
          return new Promise((done, fail) => {
            if (seen()) return done(text);
            const timer = setTimeout(() => {
              listeners.delete(check);
              fail(new Error(`not received within ${ms} ms: ${String(expected)}; got ${text.slice(0, 300)}`));
            }, ms);
            const check = () => {
              if (!seen()) return;
              clearTimeout(timer);
              listeners.delete(check);
              done(text);
            };
            listeners.add(check);
          });
        },
        closedWithin(ms) {
          return new Promise((done) => {
            if (closedAt !== null) return done(closedAt);
            const timer = setTimeout(() => {
              listeners.delete(check);
              done(null);
            }, ms);
            const check = () => {
              if (closedAt === null) return;
              clearTimeout(timer);
              listeners.delete(check);
              done(closedAt);
            };
            listeners.add(check);
          });
        },
      }),
    );
    socket.once('error', reject);
  });
}

/** The status code of the first response in a raw exchange. */
export function statusOf(text: string): number | null {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m ? Number(m[1]) : null;
}

/** The JSON body of the first response in a raw exchange (Content-Length framed). */
export function jsonBodyOf(text: string): any {
  const at = text.indexOf('\r\n\r\n');
  const head = text.slice(0, at);
  const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? NaN);
  const body = text.slice(at + 4);
  return JSON.parse(Number.isNaN(length) ? body : Buffer.from(body).subarray(0, length).toString('utf8'));
}
