// `npm run build` (with the web app): compiles the server, with the workspace packages it
// imports (@releasegate/domain, @releasegate/messages), to JavaScript in packages/server/dist.
//
// - One ES module bundle per entry (esbuild), split where the CLI loads a part lazily (`serve`,
//   `backup`…), so `releasegate --help` does not load the HTTP server. Every chunk sits directly
//   in dist/, the way every source sits under src/: code that finds a file beside itself
//   (src/code-dir.ts) finds it the same way in both.
// - Packages from node_modules stay imports (`npm ci --omit=dev` installs them); only our own
//   workspace packages, which export TypeScript sources, are compiled in.
// - Every package the bundle imports must be a production dependency of the server
//   (packages/server/package.json "dependencies"): the build fails otherwise, before a production
//   install (devDependencies omitted) would at run time.
// - Files the server reads at run time that are not code (the common-password list) are copied
//   to the same place under dist/; test helpers are left out.
// - dist/ is written to a fresh directory and swapped in whole, so a server starting meanwhile
//   never sees half a build; bin/releasegate.js runs it while it is newer than every source.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const server = path.join(root, 'packages/server');
const src = path.join(server, 'src');
const dist = path.join(server, 'dist');
const staging = path.join(server, `dist.building-${process.pid}`);

/** Directories of test helpers, never part of the product. */
const TEST_DIRS = new Set(['test', 'testing']);

/** Bare imports from node_modules stay external; workspace packages (@releasegate/*) are compiled in. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@releasegate/')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Non-code files under src/ (test directories left out), relative to src/. */
function assets(dir, relative = '') {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = path.join(relative, entry.name);
    if (entry.isDirectory()) {
      if (!TEST_DIRS.has(entry.name)) found.push(...assets(path.join(dir, entry.name), rel));
    } else if (!/\.(ts|tsx)$/.test(entry.name)) {
      found.push(rel);
    }
  }
  return found;
}

const started = performance.now();
fs.rmSync(staging, { recursive: true, force: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { releasegate: path.join(src, 'cli/main.ts') },
  outdir: staging,
  outExtension: { '.js': '.mjs' },
  entryNames: '[name]',
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  sourcemap: 'linked',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [externalPackages],
});
/** The packages the bundle imports that a production install of the server would lack. */
function undeclaredImports(metafile) {
  const declared = new Set(
    Object.keys(JSON.parse(fs.readFileSync(path.join(server, 'package.json'))).dependencies),
  );
  const builtins = new Set(builtinModules);
  const missing = new Set();
  for (const output of Object.values(metafile.outputs))
    for (const imported of output.imports) {
      if (!imported.external || imported.path.startsWith('node:') || builtins.has(imported.path)) continue;
      const parts = imported.path.split('/');
      const name = imported.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
      if (!declared.has(name)) missing.add(name);
    }
  return [...missing];
}

const undeclared = undeclaredImports(result.metafile);
if (undeclared.length > 0) {
  fs.rmSync(staging, { recursive: true, force: true });
  console.error(
    `The server imports packages that are not among its production dependencies ` +
      `(packages/server/package.json): ${undeclared.join(', ')}`,
  );
  process.exit(1);
}
for (const file of assets(src)) {
  fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
  fs.copyFileSync(path.join(src, file), path.join(staging, file));
}
const old = `${dist}.old-${process.pid}`;
if (fs.existsSync(dist)) fs.renameSync(dist, old);
fs.renameSync(staging, dist);
fs.rmSync(old, { recursive: true, force: true });

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
const bytes = outputs.reduce((sum, [, output]) => sum + output.bytes, 0);
console.log(
  `Built the server: ${path.relative(root, dist)}/releasegate.mjs and ${outputs.length - 1} chunks, ` +
    `${(bytes / 1024).toFixed(0)} KiB, in ${Math.round(performance.now() - started)} ms`,
);
