import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/**
 * Runs PostgreSQL's own client programs (pg_dump, pg_restore, psql) for a connection URL without
 * ever showing its password: the URL handed to the program has none (a command line is visible
 * to every user of the machine in `ps`), the password goes through PGPASSWORD in the child's
 * environment only, and whatever the program writes to stderr is scrubbed of it before it
 * reaches an error message, a log or the terminal.
 */
export interface PgConnection {
  /** The URL without its password: safe on a command line. */
  readonly dbname: string;
  readonly env: NodeJS.ProcessEnv;
  /** Removes the password from text a program wrote. */
  redact(text: string): string;
}

export function pgConnection(url: string): PgConnection {
  const parsed = new URL(url);
  const written = parsed.password;
  const password = decodeURIComponent(written);
  parsed.password = '';
  const secrets = [password, written, encodeURIComponent(password)].filter((s) => s.length > 0);
  return {
    dbname: parsed.toString(),
    env: {
      ...process.env,
      ...(password && { PGPASSWORD: password }),
      // Names the session in pg_stat_activity, so a DBA sees who holds the snapshot.
      PGAPPNAME: 'releasegate-backup',
    },
    redact: (text) => secrets.reduce((t, s) => t.split(s).join('***'), text),
  };
}

export class PgToolError extends Error {
  constructor(program: string, code: number | null, stderr: string) {
    super(
      `${program} failed${code === null ? '' : ` (exit ${code})`}${stderr.trim() ? `: ${stderr.trim()}` : ''}`,
    );
    this.name = 'PgToolError';
  }
}

export interface PgRun {
  child: ChildProcess;
  /** Resolves when the program exits 0; rejects with its (redacted) stderr otherwise. */
  done: Promise<void>;
  stdout: Readable;
  stdin: Writable;
}

/** Starts a client program; `--no-password` keeps it from waiting for a password on a terminal. */
export function runPg(program: string, args: string[], connection: PgConnection): PgRun {
  const child = spawn(program, ['--no-password', ...args], {
    env: connection.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    // The last few KiB are enough to say what went wrong; a long restore log is not kept whole.
    stderr = (stderr + d.toString()).slice(-8192);
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new PgToolError(program, null, `${program} is not installed (PostgreSQL's client programs)`)
          : error,
      ),
    );
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new PgToolError(program, code, connection.redact(stderr))),
    );
  });
  return { child, done, stdout: child.stdout, stdin: child.stdin };
}
