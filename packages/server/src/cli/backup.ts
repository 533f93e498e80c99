import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Config } from '../config';
import { runningServerPid } from '../pid-file';

/**
 * A consistent copy of a live SQLite database through SQLite's online backup API: the server
 * may keep writing while it runs. PostgreSQL is backed up with its own tools.
 */
export async function backupSqlite(file: string, destination: string): Promise<{ pages: number }> {
  if (fs.existsSync(destination)) throw new Error(`${destination} exists; choose a new file name`);
  fs.mkdirSync(path.dirname(path.resolve(destination)), { recursive: true });
  const source = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const result = await source.backup(destination);
    return { pages: result.totalPages };
  } finally {
    source.close();
  }
}

/** Checks a backup file and puts it in place of the database. The server must be stopped. */
export function restoreSqlite(backupFile: string, targetFile: string, dataDir: string): void {
  const check = new BetterSqlite3(backupFile, { readonly: true, fileMustExist: true });
  try {
    const result = check.pragma('integrity_check', { simple: true });
    if (result !== 'ok') throw new Error(`${backupFile} fails SQLite's integrity check: ${String(result)}`);
    const tables = check
      .prepare("select name from sqlite_master where type = 'table' and name = 'audit_events'")
      .all();
    if (tables.length === 0) throw new Error(`${backupFile} is not a ReleaseGate database`);
  } finally {
    check.close();
  }
  const running = runningServerPid(dataDir);
  if (running !== null)
    throw new Error(`A server (pid ${running}) is using this data directory: stop it before restoring`);
  fs.mkdirSync(path.dirname(targetFile), { recursive: true });
  for (const suffix of ['-wal', '-shm']) fs.rmSync(targetFile + suffix, { force: true });
  const temp = `${targetFile}.restoring`;
  fs.copyFileSync(backupFile, temp);
  fs.renameSync(temp, targetFile);
}

export function postgresBackupAdvice(config: Config): string {
  const url = config.database.kind === 'postgres' ? config.database.url : 'postgres://…';
  return [
    'PostgreSQL is backed up with its own tools. For a consistent online copy run:',
    `  pg_dump --format=custom --file=releasegate-$(date +%Y%m%d%H%M).dump "${url}"`,
    'and to restore it into an empty database:',
    `  pg_restore --clean --if-exists --no-owner --dbname="${url}" releasegate-YYYYMMDDHHMM.dump`,
  ].join('\n');
}
