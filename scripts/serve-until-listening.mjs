// Start-up timing (docs/deploy.md): runs `releasegate serve` on DATA_DIR (default: a scratch
// directory, migrated by a first start) and exits as soon as the server says it is listening,
// killing it. Under `farm-bench -- node scripts/serve-until-listening.mjs` a run's wall time is
// the time from start to listening, plus this script's own start (tens of milliseconds).
// RELEASEGATE_RUN=compiled or =sources chooses what the command runs (bin/releasegate.js).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../packages/server/bin/releasegate.js');
const dataDir = process.env.DATA_DIR ?? path.join(os.tmpdir(), 'releasegate-start-timing');
fs.mkdirSync(dataDir, { recursive: true });

const port = await new Promise((resolve) => {
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const child = spawn(process.execPath, [bin, 'serve'], {
  env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  if (output.includes('ReleaseGate is listening')) {
    child.kill('SIGKILL');
    process.exit(0);
  }
});
child.on('exit', (code) => {
  console.error(`releasegate serve exited (${code}) before listening:\n${output}`);
  process.exit(1);
});
