// Knowledge-base search (PO-4, docs/decisions/0008) on a generated knowledge base: N articles of
// mixed Chinese and English (default 10,000 of about 900 characters), on SQLite and, with
// --postgres URL, on PostgreSQL. Times the service's search (index query, ranking, links,
// snippets) for short and long Chinese words, English, mixed and one-character queries, a filtered
// search and a deep page, against counting the matches with LIKE (a scan of every text).
//   npx tsx bench/src/knowledge-search.ts [--articles 10000] [--reps 30] [--postgres postgres://…]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { ManualClock, permissionsOf } from '../../packages/domain/src';
import type { RequestContext } from '../../packages/server/src/context';
import { openPostgres, openSqlite, type Db } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import { createAuditWriter } from '../../packages/server/src/modules/audit/audit.service';
import { insertArticle, nextNumber } from '../../packages/server/src/modules/knowledge/knowledge.repository';
import type { Article, KnowledgeKind } from '../../packages/server/src/modules/knowledge/knowledge.model';
import {
  searchArticles,
  type KnowledgeDeps,
  type SearchInput,
} from '../../packages/server/src/modules/knowledge/knowledge.service';

const { values: opts } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    reps: { type: 'string', default: '30' },
    postgres: { type: 'string' },
    /** Keep the PostgreSQL schema afterwards (its name is printed), to EXPLAIN queries on it. */
    keep: { type: 'boolean', default: false },
  },
});
const N = Number(opts.articles);
const REPS = Number(opts.reps);

// A seeded generator: the same knowledge base every run.
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];

const PHRASES = [
  '发布前检查配置项基线',
  '执行部署步骤后观察交易成功率',
  '变更管理委员会审批通过',
  '数据库主从切换',
  '应用服务器负载升高',
  '监控指标超过阈值',
  '业务部门完成用户验收',
  '更新配置管理数据库',
  '按发布计划逐步实施',
  '通知相关方发布窗口',
  '网络设备配置变更',
  '中间件参数调整',
  '核心账务系统升级',
  '短信通知服务扩容',
  '缓存集群重启',
  '证书到期更换',
];
const RARE = [
  ['回滚', 0.1],
  ['数据库连接池', 0.02],
  ['rollback', 0.05],
  ['Kubernetes ingress timeout', 0.01],
] as const;
const ENGLISH = ['deployment', 'canary', 'health check', 'load balancer', 'config drift', 'hotfix'];
const KINDS: KnowledgeKind[] = ['lesson', 'solution', 'how_to', 'known_issue'];

/** Sentences of common phrases; each rare word is in about its share of the articles. */
function text(sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) {
    let s = pick(PHRASES);
    if (rnd() < 0.3) s += `，${pick(ENGLISH)}`;
    for (const [word, p] of RARE) if (rnd() < p / sentences) s += `，${word}`;
    parts.push(`${s}。`);
  }
  return parts.join('');
}

function article(i: number, number: string): Article {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    id: `kb-${i}`,
    number,
    title: `${pick(PHRASES)}${rnd() < 0.05 ? '回滚' : ''}的经验 ${i}`,
    body: `## 经过\n\n${text(30)}\n\n## 教训\n\n${text(30)}`,
    kind: pick(KINDS),
    state: rnd() < 0.8 ? 'published' : 'draft',
    version: 1,
    tags: [pick(['发布', '数据库', '网络', '中间件'])],
    releaseIds: [],
    ciIds: [],
    authorId: 'bench',
    authorName: 'bench',
    updatedBy: 'bench',
    createdAt: at,
    updatedAt: at,
    publishedAt: at,
    archivedAt: null,
  };
}

async function fill(db: Db): Promise<number> {
  const started = performance.now();
  seed = 42;
  for (let i = 0; i < N; i += 500) {
    await db.kysely.transaction().execute(async (trx) => {
      for (let j = i; j < Math.min(N, i + 500); j++)
        await insertArticle(trx, db.dialect, article(j, await nextNumber(trx, 2026)));
    });
  }
  return (performance.now() - started) / 1000;
}

const ctx: RequestContext = {
  principal: {
    userId: 'bench',
    username: 'bench',
    displayName: 'bench',
    roles: ['operations_engineer'],
    permissions: permissionsOf(['operations_engineer']),
    via: 'session',
    passwordExpired: false,
    mustEnrolSecondFactor: false,
  },
  sourceIp: null,
  requestId: null,
};

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)];

async function time(run: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 3; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return { p50: percentile(ms, 0.5), p95: percentile(ms, 0.95) };
}

const QUERIES: [string, string][] = [
  ['two-character Chinese', '回滚'],
  ['long Chinese phrase', '数据库连接池'],
  ['common phrase (most articles)', '配置'],
  ['one character', '库'],
  ['English word (prefix)', 'rollb'],
  ['English phrase', 'ingress timeout'],
  ['mixed', 'Kubernetes 回滚'],
];

async function bench(db: Db, label: string) {
  await migrateToLatest(db);
  const fillSeconds = await fill(db);
  // Statistics, as autovacuum would gather them on a table this size (without them PostgreSQL
  // guesses and scans the index for every query).
  await sql`analyze`.execute(db.kysely);
  const deps: KnowledgeDeps = {
    db,
    clock: new ManualClock(),
    audit: createAuditWriter({ dialect: db.dialect, clock: new ManualClock(), algorithm: 'sha256' }),
  };
  console.log(`\n${label}: ${N} articles written in ${fillSeconds.toFixed(1)} s`);
  console.log('| query | matches | search p50 ms | p95 ms | LIKE count p50 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const row = async (name: string, q: string, extra: Omit<SearchInput, 'q'> = {}, page = 1) => {
    // A later page is reached as a client does: by walking the cursors (keyset, decision 0029).
    let cursor: string | undefined;
    for (let p = 1; p < page; p++)
      cursor =
        (await searchArticles(deps, ctx, { q, ...extra }, { limit: 20, cursor })).nextCursor ?? undefined;
    const first = await searchArticles(deps, ctx, { q, ...extra }, { limit: 20, cursor });
    const fts = await time(() => searchArticles(deps, ctx, { q, ...extra }, { limit: 20, cursor }));
    // The baseline: what a LIKE search must do to count its matches (a scan of every text).
    const like = await time(() =>
      sql`select count(*) from knowledge_articles where (lower(title) like ${`%${q.toLowerCase()}%`} or lower(body) like ${`%${q.toLowerCase()}%`}) and state in ('draft', 'published')`.execute(
        db.kysely,
      ),
    );
    console.log(
      `| ${name}: \`${q}\` | ${first.total} | ${fts.p50.toFixed(1)} | ${fts.p95.toFixed(1)} | ${like.p50.toFixed(1)} |`,
    );
  };
  for (const [name, q] of QUERIES) await row(name, q);
  await row('filtered (kind, tag)', '回滚', { kind: 'lesson', tag: '数据库' });
  await row('page 50 (rows 981–1000, by cursor)', '配置', {}, 50);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-kb-bench-'));
const sqlite = openSqlite(path.join(dir, 'kb.db'));
try {
  await bench(sqlite, 'SQLite (FTS5)');
} finally {
  await sqlite.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
if (opts.postgres) {
  const schema = `rg_kb_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.postgres });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  const db = openPostgres(opts.postgres, { schema });
  try {
    await bench(db, 'PostgreSQL (GIN tsvector)');
  } finally {
    await db.destroy();
    if (opts.keep) console.log(`kept schema ${schema}`);
    else await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}
