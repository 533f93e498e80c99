import { spawn } from 'node:child_process';
import path from 'node:path';

/** The pipeline client as pipelines run it: the one file, with `node`. */
export const CI_CLIENT = path.resolve(import.meta.dirname, '../../../ci-client/releasegate-ci.mjs');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * An environment of a CI job: the parent's PATH and HOME, English unless told otherwise, and
 * nothing of the test process's own RELEASEGATE_* or locale settings.
 */
export function jobEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    LANG: 'C.UTF-8',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** Runs a command to its end; `input` is its standard input (closed right away without it). */
export function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string>; cwd?: string; input?: string },
): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    // A command that exits without reading its input (most do) closes the pipe first: the
    // EPIPE of writing the input then says nothing about the command, which `close` reports.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

export const runClient = (args: string[], env: Record<string, string>, input?: string) =>
  runProcess('node', [CI_CLIENT, ...args], { env, input });
