import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface StepReportOptions {
  url: string;
  token: string;
  release: string;
  phase: 'implementation' | 'rollback';
  /** 1-based, as the plan shows it. */
  step: number;
  event: 'start' | 'finish';
  status?: 'succeeded' | 'failed';
  result?: string;
  output?: string;
  executor?: string;
  reportId?: string;
}

/**
 * `idempotent`: the request carries an Idempotency-Key made of what it says, so a job retried by
 * the pipeline sends the same push again and the server answers it as the first time without
 * recording it twice. (Step reports have their report id for that, answered ALREADY REPORTED.)
 */
async function call(url: string, token: string, path: string, body: unknown, idempotent = false) {
  const text = JSON.stringify(body);
  const response = await fetch(`${url.replace(/\/$/, '')}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(idempotent && {
        'idempotency-key': createHash('sha256').update(`${path}\n${text}`).digest('hex'),
      }),
    },
    body: text,
  });
  const answer = (await response.json()) as Record<string, unknown> & {
    error?: { code: string; message: string };
  };
  if (!response.ok || answer.error) {
    const message = answer.error
      ? `${answer.error.code}: ${answer.error.message}`
      : `HTTP ${response.status}`;
    throw new Error(message);
  }
  return answer;
}

/**
 * IM-7: a pipeline reports a step of the plan starting or finishing, with a scoped API token
 * (release.implement). With a report id, a report sent twice (a retried job) counts once.
 */
export async function reportStep(o: StepReportOptions) {
  const path = `/api/releases/${encodeURIComponent(o.release)}/steps/${o.phase}/${o.step - 1}/${o.event}`;
  const answer = (await call(o.url, o.token, path, {
    reportId: o.reportId ?? null,
    executor: o.executor ?? null,
    ...(o.event === 'finish' && {
      status: o.status ?? 'succeeded',
      result: o.result ?? null,
      output: o.output ?? null,
    }),
  })) as { duplicate: boolean; implementation: { progress: { done: number; total: number } } };
  const progress = answer.implementation.progress;
  return `${answer.duplicate ? 'ALREADY REPORTED' : 'REPORTED'}: ${o.release} ${o.phase} step ${o.step} ${o.event}${o.status ? ` (${o.status})` : ''}; ${progress.done} of ${progress.total} implementation steps done`;
}

/** IM-5: pushes a log file (one line per entry) to the release; lines matching the plan's patterns are flagged. */
export async function pushLogFile(o: {
  url: string;
  token: string;
  release: string;
  file: string;
  source: string;
  step?: number;
}) {
  const lines = fs
    .readFileSync(o.file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim());
  let accepted = 0;
  let flagged = 0;
  for (let i = 0; i < lines.length; i += 5000) {
    const answer = (await call(
      o.url,
      o.token,
      `/api/releases/${encodeURIComponent(o.release)}/logs`,
      {
        lines: lines.slice(i, i + 5000).map((message) => ({
          level: /\b(error|fatal|exception)\b/i.test(message)
            ? 'error'
            : /\bwarn/i.test(message)
              ? 'warn'
              : 'info',
          message: message.slice(0, 16_384),
          source: o.source,
          stepIndex: o.step ? o.step - 1 : null,
        })),
      },
      true,
    )) as { accepted: number; flagged: number };
    accepted += answer.accepted;
    flagged += answer.flagged;
  }
  return { accepted, flagged };
}
