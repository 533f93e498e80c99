import type { Readable } from 'node:stream';

/**
 * Collects a child's output and resolves waits when the text so far matches, so tests await
 * what the server says rather than sleeping.
 */
export class OutputWatcher {
  private text = '';
  private readonly waiters = new Set<() => void>();
  private failure: Error | null = null;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.text += chunk;
      for (const check of [...this.waiters]) check();
    });
  }

  get output(): string {
    return this.text;
  }

  /** Makes every pending and future wait fail, e.g. when the process exits. */
  fail(error: Error): void {
    this.failure = error;
    for (const check of [...this.waiters]) check();
  }

  waitFor<T>(match: (text: string) => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const found = match(this.text);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.failure) {
          done();
          reject(new Error(`${this.failure.message} while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; output so far:\n${this.text}`),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}
