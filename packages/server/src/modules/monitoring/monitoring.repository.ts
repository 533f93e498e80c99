import type { Kysely } from 'kysely';
import { containsText } from '../../db/like';
import type { Database } from '../../db/schema';

type Q = Kysely<Database>;

/** IM-4: one value of a plan indicator, by hand or from Prometheus. */
export interface Reading {
  seq: number;
  indicatorKey: string;
  value: number;
  at: string;
  source: 'manual' | 'prometheus';
  breached: boolean;
  recordedBy: string;
}

export async function insertReading(q: Q, releaseId: string, r: Omit<Reading, 'seq'>): Promise<void> {
  await q
    .insertInto('indicator_readings')
    .values({
      release_id: releaseId,
      indicator_key: r.indicatorKey,
      value: r.value,
      at: r.at,
      source: r.source,
      breached: r.breached ? 1 : 0,
      recorded_by: r.recordedBy,
    })
    .execute();
}

/** The newest readings of a release (each indicator's series, oldest first, at most `limit` in all). */
export async function readingsOf(q: Q, releaseId: string, limit = 2000): Promise<Reading[]> {
  const rows = await q
    .selectFrom('indicator_readings')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    seq: r.seq,
    indicatorKey: r.indicator_key,
    value: r.value,
    at: r.at,
    source: r.source as Reading['source'],
    breached: !!r.breached,
    recordedBy: r.recorded_by,
  }));
}

/** IM-5: a log line kept with the release. */
export interface LogEntry {
  seq: number;
  at: string;
  source: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  stepIndex: number | null;
  flaggedPattern: string | null;
  recordedBy: string;
}

export async function insertLogs(q: Q, releaseId: string, lines: Omit<LogEntry, 'seq'>[]): Promise<void> {
  if (!lines.length) return;
  await q
    .insertInto('release_logs')
    .values(
      lines.map((l) => ({
        release_id: releaseId,
        at: l.at,
        source: l.source,
        level: l.level,
        message: l.message,
        step_index: l.stepIndex,
        flagged_pattern: l.flaggedPattern,
        recorded_by: l.recordedBy,
      })),
    )
    .execute();
}

export interface LogFilter {
  text?: string;
  flagged?: boolean;
  level?: LogEntry['level'];
  /** Keyset: lines after this sequence number. */
  after?: number;
  limit: number;
}

export async function searchLogs(q: Q, releaseId: string, f: LogFilter): Promise<LogEntry[]> {
  let query = q.selectFrom('release_logs').selectAll().where('release_id', '=', releaseId);
  if (f.text) query = query.where(containsText('message', f.text));
  if (f.flagged) query = query.where('flagged_pattern', 'is not', null);
  if (f.level) query = query.where('level', '=', f.level);
  if (f.after !== undefined) query = query.where('seq', '>', f.after);
  const rows = await query.orderBy('seq').limit(f.limit).execute();
  return rows.map((r) => ({
    seq: r.seq,
    at: r.at,
    source: r.source,
    level: r.level as LogEntry['level'],
    message: r.message,
    stepIndex: r.step_index,
    flaggedPattern: r.flagged_pattern,
    recordedBy: r.recorded_by,
  }));
}

/** IM-6: a user feedback item. */
export interface Feedback {
  seq: number;
  channel: string;
  reporter: string;
  content: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  complaint: boolean;
  at: string;
  recordedBy: string;
}

export async function insertFeedback(q: Q, releaseId: string, f: Omit<Feedback, 'seq'>): Promise<void> {
  await q
    .insertInto('feedback_items')
    .values({
      release_id: releaseId,
      channel: f.channel,
      reporter: f.reporter,
      content: f.content,
      severity: f.severity,
      complaint: f.complaint ? 1 : 0,
      at: f.at,
      recorded_by: f.recordedBy,
    })
    .execute();
}

export async function feedbackOf(q: Q, releaseId: string): Promise<Feedback[]> {
  const rows = await q
    .selectFrom('feedback_items')
    .selectAll()
    .where('release_id', '=', releaseId)
    .orderBy('at')
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    channel: r.channel,
    reporter: r.reporter,
    content: r.content,
    severity: r.severity as Feedback['severity'],
    complaint: !!r.complaint,
    at: r.at,
    recordedBy: r.recorded_by,
  }));
}
