// Issue #18: what a close costs now that the report is rendered, and the archive sealed, by a job
// after the commit (decision 0027). `npm run bench:close [-- --releases N]` starts the real server
// (the e2e harness: `releasegate serve`, jobs polling), takes N releases through the API to rolled
// back, then closes each and times the close's answer, and separately how long until the job has
// sealed its archive. Goal: a close answers in p95 ≤ 50 ms.
import { parseArgs } from 'node:util';
import { approvedRelease, passPreReleaseChecks, rolledBack } from '../../e2e/src/harness/api';
import { launchBrowser } from '../../e2e/src/harness/chromium';
import { startServer } from '../../e2e/src/harness/server';
import { fmt, out, table, verdict } from './format';
import { seedCrew, signInCrew } from './release-crew';

const GOAL_MS = 50;

const quantile = (ms: number[], q: number) => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * q) - 1];
const msSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { releases: { type: 'string', default: '30' } } });
  const count = Math.max(1, Number(values.releases));
  const server = await startServer();
  const browser = await launchBrowser();
  let closeSessions = async () => {};
  try {
    await seedCrew(browser, server);
    const signedIn = await signInCrew(browser, server);
    closeSessions = signedIn.close;
    const { crew } = signedIn;
    const implementer = await signedIn.signIn('impl');
    out(`Close (issue #18): ${count} releases taken to rolled back through the API, then closed`);
    const ids: string[] = [];
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const release = await approvedRelease(crew, {
        ci: { name: `核心账务系统 ${i}`, version: '3.1.0' },
        title: `核心账务系统 3.2.${i} 发布`,
        window: { start: new Date(now - 3600_000), end: new Date(now + 3 * 3600_000) },
      });
      await passPreReleaseChecks(crew.engineer, release.id);
      await rolledBack(implementer, crew.manager, release, 1);
      // CL-1: the documents archived before the close (the engineer's step; not timed).
      await crew.engineer.post(`/api/releases/${release.id}/archive`);
      ids.push(release.id);
    }
    const closeMs: number[] = [];
    const closedAt = new Map<string, bigint>();
    for (const id of ids) {
      const t = process.hrtime.bigint();
      const closed = await crew.manager.post(`/api/releases/${id}/close`, {
        outcome: 'rolled_back',
        analysis: '新版本登录失败，已按计划回退',
      });
      closeMs.push(msSince(t));
      closedAt.set(id, t);
      if (closed.state !== 'closed') throw new Error(`not closed: ${JSON.stringify(closed)}`);
    }
    // The seal: how long from each close until its archive is sealed (the job polls every 5 s).
    const sealMs: number[] = [];
    const pending = new Set(ids);
    while (pending.size > 0) {
      for (const id of [...pending]) {
        const view = await crew.manager.get(`/api/releases/${id}/post-release`);
        if (view.archive?.sealedAt) {
          sealMs.push(msSince(closedAt.get(id)!));
          pending.delete(id);
        } else if (view.sealing?.state === 'failed') throw new Error(`sealing failed for ${id}`);
      }
      if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    out();
    for (const line of table(
      ['', 'p50', 'p95', 'max'],
      [
        ['close answers (ms)', ...[0.5, 0.95, 1].map((q) => fmt(quantile(closeMs, q), 1))],
        ['close → archive sealed (ms)', ...[0.5, 0.95, 1].map((q) => fmt(quantile(sealMs, q), 0))],
      ],
      [false, true, true, true],
    ))
      out(line);
    out();
    const p95 = quantile(closeMs, 0.95);
    out(`Goal: a close answers in p95 ≤ ${GOAL_MS} ms: ${fmt(p95, 1)} ms, ${verdict(p95 <= GOAL_MS)}`);
    out(
      "The seal includes the job's poll interval (JOBS_POLL_MS, 5 s by default) and the closes queued before it, one after the other.",
    );
  } finally {
    await closeSessions();
    await browser.close();
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
