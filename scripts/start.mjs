// `npm start`: builds the web app, and compiles the server, when either build is missing or older
// than its sources, then runs the server (`releasegate serve`), which serves the API and the web
// app on one port. Without the development dependencies (a production install), it only starts.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compiledIsCurrent } from '../packages/server/bin/compiled.js';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'packages/web');
const built = path.join(web, 'dist/index.html');
// The server's renderer of a phone's first paint (issue #18), built with the web app.
const renderer = path.join(web, 'dist-server/entry-server.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const sources = [
  path.join(web, 'src'),
  path.join(web, 'index.html'),
  path.join(web, 'vite.config.ts'),
  path.join(web, 'vite.server.config.ts'),
].filter((p) => fs.existsSync(p));
const stale =
  !fs.existsSync(built) ||
  !fs.existsSync(renderer) ||
  sources.some(
    (p) =>
      (fs.statSync(p).isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs) > fs.statSync(built).mtimeMs,
  );
if (stale && fs.existsSync(path.join(web, 'index.html'))) {
  console.log('Building the web app…');
  const result = spawnSync('npm', ['run', 'build', '-w', '@releasegate/web'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const canCompile = fs.existsSync(path.join(root, 'node_modules/esbuild'));
if (!compiledIsCurrent() && canCompile) {
  console.log('Compiling the server…');
  const result = spawnSync(process.execPath, [path.join(root, 'scripts/build-server.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const server = spawn(
  process.execPath,
  [path.join(root, 'packages/server/bin/releasegate.js'), 'serve', ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
