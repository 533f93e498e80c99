// The measures queries on PostgreSQL (KP-1, KP-2), in process: the same 100,000 closed releases
// as section 4 of `npm run bench`, copied into a fresh schema, then the repository's
// quarterAggregates() and quarterRecords() timed as the service calls them (no HTTP: the bench's
// real server runs on SQLite). Timed once as loaded and again after VACUUM ANALYZE, since
// PostgreSQL's index-only scans need the visibility map that autovacuum builds later.
//   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/src/measures-postgres.ts
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { median } from '../../packages/domain/src/index';
import { openPostgres } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import * as repo from '../../packages/server/src/modules/measures/measures.repository';
import { fmt, out, table } from './format';
import { buildMeasuresFixture } from './measures-fixture';

const url = process.env.BENCH_POSTGRES_URL;
if (!url) throw new Error('set BENCH_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/test');
const releases = Number(process.env.BENCH_MEASURES_RELEASES ?? 100_000);
const runs = Number(process.env.BENCH_MEASURES_REQUESTS ?? 50);
const schema = `rg_bench_${randomBytes(4).toString('hex')}`;

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create schema ${schema}`);
const db = openPostgres(url, { schema });
const fixture = await buildMeasuresFixture(releases);
const lite = new BetterSqlite3(fixture.file, { readonly: true });
try {
  await migrateToLatest(db);
  const copied = process.hrtime.bigint();
  await db.kysely
    .insertInto('policy_versions')
    .values(lite.prepare('select * from policy_versions').all() as never)
    .execute();
  for (const tableName of ['releases', 'release_records'] as const) {
    const rows = lite.prepare(`select * from ${tableName}`).all();
    for (let i = 0; i < rows.length; i += 2000)
      await db.kysely
        .insertInto(tableName)
        .values(rows.slice(i, i + 2000) as never)
        .execute();
  }
  const copySec = Number(process.hrtime.bigint() - copied) / 1e9;

  const quarters = Object.keys(fixture.perQuarter).sort();
  const year: [string, string] = [quarters[quarters.length - 5], quarters[quarters.length - 2]];
  const all: [string, string] = [fixture.firstQuarter, fixture.lastQuarter];
  const drill = year[1];
  const lastPage = Math.max(0, Math.floor(fixture.perQuarter[drill] / 50) * 50 - 50);
  const cases: [string, () => Promise<unknown>][] = [
    [`a year (${year.join('…')})`, () => repo.quarterAggregates(db.kysely, ...year)],
    [`all history (${all.join('…')})`, () => repo.quarterAggregates(db.kysely, ...all)],
    [
      `drill-down ${drill}, first page`,
      () =>
        repo.quarterRecords(db.kysely, drill, {}, { sort: 'closedAt', order: 'desc', limit: 50, offset: 0 }),
    ],
    [
      `drill-down ${drill}, last page (offset ${lastPage})`,
      () =>
        repo.quarterRecords(
          db.kysely,
          drill,
          {},
          { sort: 'closedAt', order: 'desc', limit: 50, offset: lastPage },
        ),
    ],
  ];
  const measure = async (label: string) => {
    const rows: string[][] = [];
    for (const [what, run] of cases) {
      for (let i = 0; i < 5; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = process.hrtime.bigint();
        await run();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      times.sort((a, b) => a - b);
      rows.push([
        label,
        what,
        String(runs),
        fmt(median(times) ?? 0, 1),
        fmt(times[Math.ceil(0.95 * runs) - 1], 1),
        fmt(times[runs - 1], 1),
      ]);
    }
    return rows;
  };
  const before = await measure('as loaded');
  await admin.query(`vacuum analyze ${schema}.release_records`);
  const after = await measure('after VACUUM ANALYZE');
  out(
    `Measures on PostgreSQL, in process: ${fmt(releases)} closed releases copied in ${fmt(copySec, 1)} s; ${runs} timed calls per row after 5 warm-up calls.`,
  );
  table(
    ['state', 'repository call', 'n', 'p50 ms', 'p95 ms', 'max ms'],
    [...before, ...after],
    [false, false, true, true, true, true],
  ).forEach((l) => out(l));
} finally {
  lite.close();
  fixture.dispose();
  await db.destroy();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
}
