// Sizing the HTTP fix (not part of `npm run bench`; the server is not changed):
//   npx tsx bench/src/experiments/http-prototype.ts [--duration S] [--warmup S]
// GET /api/users/:id with the session cookie on the unchanged server, and on the same server with
// statement-cache-preload.ts loaded in front of it, against the bare hello-world; one after another.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startHello } from '../hello';
import { measureLoad, type LoadResult } from '../load';
import { REPO_ROOT } from '../proc';
import { startReleaseGate, type StartOptions } from '../real-server';

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '6' }, warmup: { type: 'string', default: '2' } },
});
const durationSec = Number(values.duration);
const warmupSec = Number(values.warmup);
const bin = path.join(REPO_ROOT, 'packages/server/bin/releasegate.js');
const variants: Record<string, Partial<StartOptions>> = {
  'server as is': {},
  'server + prepared-statement cache': {
    nodeFlags: ['--import', 'tsx', '--import', './bench/src/experiments/statement-cache-preload.ts'],
    entry: [bin, 'serve'],
  },
};

const line = (name: string, r: LoadResult, base?: LoadResult) =>
  process.stdout.write(
    `${name.padEnd(36)} ${String(r.connections).padStart(3)} conns ${Math.round(r.reqPerSec).toLocaleString('en-US').padStart(7)} req/s  p99 ${String(r.latencyP99).padStart(3)} ms  server ${r.serverCpu === null ? 'n/a' : ((r.serverCpu * 1e6) / r.reqPerSec).toFixed(0).padStart(4)} µs CPU/req  other CPU ${r.otherCpu === null ? 'n/a' : `${Math.round(r.otherCpu * 100)} %`}${base ? `  ratio ${(r.reqPerSec / base.reqPerSec).toFixed(2)}` : ''}\n`,
  );

const hello = await startHello();
try {
  const baselines = new Map<number, LoadResult>();
  for (const connections of [8, 32]) {
    const r = await measureLoad({ url: hello.url, connections, durationSec, warmupSec, server: hello.child });
    baselines.set(connections, r);
    line('bare Fastify hello-world', r);
  }
  for (const [name, options] of Object.entries(variants)) {
    const rg = await startReleaseGate({ logLevel: 'warn', ...options });
    try {
      for (const connections of [8, 32]) {
        const r = await measureLoad({
          url: `${rg.baseUrl}/api/users/${rg.userId}`,
          connections,
          durationSec,
          warmupSec,
          server: rg.server,
          headers: { cookie: rg.sessionCookie },
        });
        line(name, r, baselines.get(connections));
      }
    } finally {
      await rg.close();
    }
  }
} finally {
  await hello.child.stop();
}
