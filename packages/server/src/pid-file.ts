import fs from 'node:fs';
import path from 'node:path';

/**
 * The server marks the data directory it uses, so offline tools (restore) can refuse to pull the
 * database from under it. A file left by a killed server is recognised as stale.
 */
const fileIn = (dataDir: string) => path.join(dataDir, 'server.pid');

export class DataDirectoryInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another ReleaseGate server (pid ${pid}) uses the data directory ${dataDir}: two servers on one SQLite database lose writes. Stop it, or use PostgreSQL for several nodes.`,
    );
    this.name = 'DataDirectoryInUse';
  }
}

/**
 * Claims the data directory for this process, or throws DataDirectoryInUse when a live server
 * holds it. The file is created exclusively, so two servers starting at once cannot both win; a
 * file left by a killed server is taken over. Returns the release, which removes the file only
 * while it is still this process's.
 */
export function writePidFile(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = fileIn(dataDir);
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = runningServerPid(dataDir);
      if (holder !== null) throw new DataDirectoryInUse(dataDir, holder);
      fs.rmSync(file, { force: true }); // stale: its server is gone
    }
  }
  return () => {
    try {
      if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.rmSync(file);
    } catch {
      // already gone
    }
  };
}

export function runningServerPid(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(fileIn(dataDir), 'utf8'), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}
