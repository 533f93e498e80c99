import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { GENESIS_HASH } from '../modules/audit/audit.chain';

export interface AuditHead {
  seq: number;
  hash: string;
}

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API, taken while the
 * server keeps writing. All pages are copied in one step: a copy made in small steps starts
 * over whenever another process writes between two of them, which a busy server does all the
 * time; one step is one read transaction, and in WAL mode a reader does not hold up the writer.
 */
export async function copySqlite(file: string, destination: string): Promise<AuditHead> {
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    await source.backup(destination, { progress: () => 0x7fffffff });
  } finally {
    source.close();
  }
  const copy = inspectSqlite(destination);
  if (!copy.head) throw new Error(`${file} is not a ReleaseGate database (it has no audit trail)`);
  return copy.head;
}

export interface SqliteInspection {
  /** "ok", or what SQLite's integrity check found. */
  integrity: string;
  /** The audit chain's last event in this file; null when it has no audit trail at all. */
  head: AuditHead | null;
}

/** Reads a database file without changing it: its integrity and the head of its audit chain. */
export function inspectSqlite(file: string): SqliteInspection {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const hasTrail = db
      .prepare("select 1 from sqlite_master where type = 'table' and name = 'audit_events'")
      .get();
    if (!hasTrail) return { integrity, head: null };
    const last = db.prepare('select seq, hash from audit_events order by seq desc limit 1').get() as
      { seq: number; hash: string } | undefined;
    return {
      integrity,
      head: last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH },
    };
  } finally {
    db.close();
  }
}

/** The files SQLite keeps beside a database: a copy or a move must take them along. */
export const sqliteFiles = (file: string) =>
  [file, `${file}-wal`, `${file}-shm`].filter((f) => fs.existsSync(f));
