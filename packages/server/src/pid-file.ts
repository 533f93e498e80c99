import fs from 'node:fs';
import path from 'node:path';

/**
 * The server marks the data directory it uses, so offline tools (restore) can refuse to pull the
 * database from under it. A file left by a killed server is recognised as stale.
 */
const fileIn = (dataDir: string) => path.join(dataDir, 'server.pid');

export function writePidFile(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = fileIn(dataDir);
  fs.writeFileSync(file, String(process.pid));
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
