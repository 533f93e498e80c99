// Issue #18: the server's lists at the size of a busy department after years of use, on SQLite.
// `npm run bench:lists [-- --changes N --events N --cis N --runs N]`: generates a database (changes,
// releases with a plan each, audit events — one in seven about a release —, and a CMDB of the
// impact bench's shape, written straight into their tables), starts the real server on it
// (`releasegate serve`), signs in, and times a page of 50 with a filter and a sort — the first
// page and the 1,000th, reached by walking the cursors — beside the same keyset query run
// directly on the file (better-sqlite3, the raw baseline), in one run. Prints each goal with
// met/MISSED: p95 ≤ 20 ms and ≤ 2× the raw query.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openPostgres, openSqlite } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import { fmt, out, table, verdict } from './format';
import { execFileSync } from 'node:child_process';
import { REPO_ROOT, freePort, machineBusySeconds, startChild } from './proc';
import { estateRows, writeEstate } from './cmdb-fixture';

const { values: opts } = parseArgs({
  options: {
    changes: { type: 'string' },
    releases: { type: 'string' },
    events: { type: 'string' },
    cis: { type: 'string' },
    relations: { type: 'string' },
    runs: { type: 'string' },
    page: { type: 'string' },
    postgres: { type: 'string' },
  },
});
const CHANGES = Number(opts.changes ?? 200_000);
const RELEASES = Number(opts.releases ?? 100_000);
const EVENTS = Number(opts.events ?? 2_000_000);
const CIS = Number(opts.cis ?? 100_000);
const RELATIONS = Number(opts.relations ?? 10 * CIS);
const RUNS = Number(opts.runs ?? 200);
const FAR_PAGE = Number(opts.page ?? 1000);
const LIMIT = 50;
const GOAL_MS = 20;
const GOAL_RATIO = 2;

const STATES = ['draft', 'submitted', 'cab_review', 'approved', 'rejected', 'withdrawn', 'implemented'];
const ACTORS = Array.from({ length: 200 }, (_, i) => `user.${i}`);
const START = Date.parse('2021-12-01T00:00:00Z');
const FIVE_YEARS_MS = 5 * 365 * 24 * 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
/** The ids of release n and of its plan (the changes and events take 0 … 10,000,000). */
const RELEASE_ID = 10_000_000;
const PLAN_ID = 20_000_000;
/** One in this many audit events is about a release (about three a release), the others about changes. */
const RELEASE_EVENT_EVERY = 7;
const RELEASE_ACTIONS = ['release.create', 'release.plan_submit', 'release.close'];
/** A decided plan of a few steps: what a plan row weighs (about 700 bytes). */
const PLAN_CONTENT = JSON.stringify({
  steps: ['停止应用服务', '备份数据库', '部署新版本', '执行数据库变更', '启动应用服务'].map((title, i) => ({
    title,
    owner: `user.${i}`,
    minutes: 15,
  })),
  rollback: { steps: [{ title: '回滚到上一版本', owner: 'user.0', minutes: 20 }] },
  checks: [{ title: '交易成功率 ≥ 99.9%', kind: 'indicator' }],
  communication: '发布前一天通知业务部门与客服中心。',
});

function generate(file: string) {
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('synchronous = OFF');
    raw.pragma('cache_size = -1000000');
    // The releases name a policy version the server seeds at its first start.
    raw.pragma('foreign_keys = OFF');
    const change = raw.prepare(
      `insert into changes (id, number, source, title, requester, state, approved_by, created_at, updated_at)
       values (?, ?, 'internal', ?, ?, ?, '[]', ?, ?)`,
    );
    raw.transaction(() => {
      for (let n = 0; n < CHANGES; n++) {
        const at = iso(START + Math.floor((n / CHANGES) * FIVE_YEARS_MS));
        const year = new Date(at).getUTCFullYear();
        change.run(
          uuid(n),
          `CHG-${year}-${String(n).padStart(6, '0')}`,
          `变更 ${n}：核心系统升级`,
          ACTORS[n % ACTORS.length],
          STATES[n % STATES.length],
          at,
          at,
        );
      }
    })();
    // Releases over the five years, nine in ten closed; the list reads the releases table only.
    const release = raw.prepare(
      `insert into releases (id, number, title, state, outcome, type, proposed_type, proposal, urgency,
         rollback_difficulty, new_technology, target_ci_ids, policy_version_id, requested_by, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'normal', 'easy', 0, '[]', 'bench-policy', ?, ?, ?)`,
    );
    const plan = raw.prepare(
      `insert into plan_versions (id, release_id, version, status, content, drafter_id, drafter_name, window_start,
         window_end, created_at, updated_at, submitted_at, decided_by, decided_at, decision_comment)
       values (?, ?, 1, 'approved', ?, 'bench', ?, ?, ?, ?, ?, ?, 'cab.chair', ?, null)`,
    );
    const TYPES = ['normal', 'normal', 'major', 'emergency'];
    raw.transaction(() => {
      for (let n = 0; n < RELEASES; n++) {
        const ms = START + Math.floor((n / RELEASES) * FIVE_YEARS_MS);
        const at = iso(ms);
        const closed = n % 10 !== 0;
        plan.run(
          uuid(PLAN_ID + n),
          uuid(RELEASE_ID + n),
          PLAN_CONTENT,
          ACTORS[n % ACTORS.length],
          iso(ms + 7 * 24 * 3600_000),
          iso(ms + 7 * 24 * 3600_000 + 2 * 3600_000),
          at,
          at,
          at,
          at,
        );
        release.run(
          uuid(RELEASE_ID + n),
          `REL-${new Date(at).getUTCFullYear()}-${String(n).padStart(6, '0')}`,
          `发布 ${n}：网银核心升级`,
          closed ? 'closed' : 'planning',
          closed ? 'successful' : null,
          TYPES[n % TYPES.length],
          TYPES[n % TYPES.length],
          JSON.stringify({ type: TYPES[n % TYPES.length], criteria: [], reasons: [] }),
          ACTORS[n % ACTORS.length],
          at,
          at,
        );
      }
    })();
    const event = raw.prepare(
      `insert into audit_events (seq, id, occurred_at, actor_id, actor_name, actor_roles, source_ip, request_id,
         action, entity_type, entity_id, outcome, before_json, after_json, details_json, hash_alg, prev_hash, hash)
       values (?, ?, ?, null, ?, '["operations_engineer"]', '10.0.0.1', null, ?, ?, ?,
         'success', null, null, '{"field":"title"}', 'sha256', ?, ?)`,
    );
    const aboutRelease = (n: number) => n % RELEASE_EVENT_EVERY === 0;
    const hash = '0'.repeat(64);
    const BATCH = 100_000;
    for (let done = 0; done < EVENTS; done += BATCH)
      raw.transaction(() => {
        for (let n = done; n < Math.min(EVENTS, done + BATCH); n++)
          event.run(
            n + 1,
            uuid(n),
            iso(START + Math.floor((n / EVENTS) * FIVE_YEARS_MS)),
            ACTORS[n % ACTORS.length],
            aboutRelease(n)
              ? RELEASE_ACTIONS[(n / RELEASE_EVENT_EVERY) % RELEASE_ACTIONS.length]
              : 'change.update',
            aboutRelease(n) ? 'release' : 'change',
            // A release's events at about its time (both spread over the five years in order).
            aboutRelease(n) ? uuid(RELEASE_ID + Math.floor((n / EVENTS) * RELEASES)) : uuid(n % CHANGES),
            hash,
            hash,
          );
      })();
    // The CMDB of the impact bench's shape, its CIs created and updated over the five years.
    writeEstate(raw, estateRows(CIS, RELATIONS), (i) => iso(START + Math.floor((i / CIS) * FIVE_YEARS_MS)));
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.exec('analyze');
  } finally {
    raw.close();
  }
}

const p95 = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.ceil(ms.length * 0.95) - 1];
const msSince = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6;

interface Case {
  name: string;
  /** The API request's path and query, without the cursor. */
  path: string;
  /** The same page as the server's keyset query, on the file directly: its SQL and parameters. */
  raw: (after: unknown[] | null) => { sql: string; params: unknown[] };
  /** The key of a row, as the raw query continues from it. */
  keyOf: (row: Record<string, unknown>) => unknown[];
}

const cases: Case[] = [
  {
    name: 'changes: state=approved, newest first',
    path: `/api/changes?state=approved&sort=-createdAt&limit=${LIMIT}`,
    raw: (after) => ({
      sql: `select * from changes where state = ? ${after ? 'and (created_at, number) < (?, ?)' : ''}
            order by created_at desc, number desc limit ${LIMIT + 1}`,
      params: after ? ['approved', after[0], after[1]] : ['approved'],
    }),
    keyOf: (r) => [r.created_at, r.number],
  },
  {
    name: 'releases: closed, normal, newest first',
    path: `/api/releases?state=closed&type=normal&sort=-createdAt&limit=${LIMIT}`,
    raw: (after) => ({
      sql: `select * from releases where state = ? and type = ? ${after ? 'and (created_at, number) < (?, ?)' : ''}
            order by created_at desc, number desc limit ${LIMIT + 1}`,
      params: after ? ['closed', 'normal', after[0], after[1]] : ['closed', 'normal'],
    }),
    keyOf: (r) => [r.created_at, r.number],
  },
  {
    name: 'audit trail: one actor, one year, newest first',
    path: `/api/audit/events?actor=user.7&from=2024-01-01T00:00:00.000Z&to=2025-01-01T00:00:00.000Z&sort=-seq&limit=${LIMIT}`,
    raw: (after) => ({
      sql: `select * from audit_events where actor_name = ? and occurred_at >= ? and occurred_at < ?
            ${after ? 'and seq < ?' : ''} order by seq desc limit ${LIMIT + 1}`,
      params: [
        'user.7',
        '2024-01-01T00:00:00.000Z',
        '2025-01-01T00:00:00.000Z',
        ...(after ? [after[0]] : []),
      ],
    }),
    keyOf: (r) => [r.seq],
  },
  {
    name: 'CIs: servers, by name descending',
    path: `/api/cmdb/cis?type=server&sort=-name&limit=${LIMIT}`,
    raw: (after) => ({
      sql: `select * from cis where type_key = ? and status = 'active' ${after ? 'and (name, id) < (?, ?)' : ''}
            order by name desc, id desc limit ${LIMIT + 1}`,
      params: after ? ['server', after[0], after[1]] : ['server'],
    }),
    keyOf: (r) => [r.name, r.id],
  },
  {
    name: 'CIs: critical, by name',
    path: `/api/cmdb/cis?critical=true&sort=name&limit=${LIMIT}`,
    raw: (after) => ({
      sql: `select * from cis where critical = ? and status = 'active' ${after ? 'and (name, id) > (?, ?)' : ''}
            order by name, id limit ${LIMIT + 1}`,
      params: after ? [1, after[0], after[1]] : [1],
    }),
    keyOf: (r) => [r.name, r.id],
  },
];

/** Where the lists live: the fixture's database, and the raw baseline's connection to it. */
interface Store {
  label: string;
  /** DATABASE_URL for the server and the CLI ('' for the data directory's SQLite file). */
  databaseUrl: string;
  generate(): Promise<string>;
  /** The readers' first passwords need no change (the CLI sets it so). */
  usersReady(): Promise<void>;
  query(sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

function sqliteStore(dataDir: string): Store {
  const file = path.join(dataDir, 'releasegate.db');
  let raw: BetterSqlite3.Database | undefined;
  return {
    label: 'SQLite',
    databaseUrl: '',
    async generate() {
      const db = openSqlite(file);
      await migrateToLatest(db);
      await db.destroy();
      generate(file);
      return `${fmt(fs.statSync(file).size / 1e6)} MB`;
    },
    async usersReady() {
      const fixture = new BetterSqlite3(file);
      fixture.prepare('update users set must_change_password = 0').run();
      fixture.close();
      raw = new BetterSqlite3(file, { readonly: true });
    },
    query: (sql, params) => Promise.resolve(raw!.prepare(sql).all(...params) as Record<string, unknown>[]),
    close: () => {
      raw?.close();
      return Promise.resolve();
    },
  };
}

const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

/**
 * The CMDB on PostgreSQL: the same estate as on SQLite (estateRows), sent in batches of arrays
 * (unnest), without key checks (the built-in CI types are seeded by the server at its start).
 */
async function insertEstate(pool: pg.Pool) {
  const rows = estateRows(CIS, RELATIONS);
  const client = await pool.connect();
  const at = (i: number) => iso(START + Math.floor((i / CIS) * FIVE_YEARS_MS));
  try {
    await client.query('set session_replication_role = replica');
    await client.query(
      `insert into cis (id, type_key, name, environment, owner, critical, version, attributes, description,
         status, revision, created_at, updated_at, retired_at)
       select id, type_key, name, 'production', owner, critical, version, '{}', description, 'active', 1, at, at, null
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])
         as c(id, type_key, name, owner, critical, version, description, at)`,
      [
        rows.cis.map((c) => c.id),
        rows.cis.map((c) => c.type),
        rows.cis.map((c) => c.name),
        rows.cis.map((c) => c.owner),
        rows.cis.map((c) => (c.critical ? 1 : 0)),
        rows.cis.map((c) => c.version),
        rows.cis.map((c) => c.description),
        rows.cis.map((_, i) => at(i)),
      ],
    );
    const batch: string[][] = [[], [], [], []];
    const flush = async () => {
      await client.query(
        `insert into ci_relations (id, source_id, target_id, type, created_at, created_by)
         select id, source_id, target_id, type, '2026-11-01T08:00:00.000Z', null
         from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as r(id, source_id, target_id, type)`,
        batch,
      );
      for (const column of batch) column.length = 0;
    };
    const pending: [string, string, string, string][] = [];
    rows.forEachRelation((...row) => pending.push(row));
    for (const row of pending) {
      row.forEach((v, i) => batch[i].push(v));
      if (batch[0].length === 50_000) await flush();
    }
    if (batch[0].length) await flush();
    await client.query('update cmdb_state set change_seq = 1 where id = 1');
    await client.query('set session_replication_role = origin');
  } finally {
    client.release();
  }
}

/** The same rows on PostgreSQL, in a schema of their own, generated by the server (generate_series). */
function postgresStore(url: string): Store {
  const schema = `bench_lists_${process.pid}`;
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
  const at = (share: string) =>
    `to_char(timestamp '2021-12-01' + (${share}) * interval '1825 days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const id = (n: string) => `'00000000-0000-4000-8000-' || lpad(to_hex(${n}), 12, '0')`;
  return {
    label: 'PostgreSQL',
    databaseUrl: `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`,
    async generate() {
      await pool.query(`create schema ${schema}`);
      const db = openPostgres(url, { schema });
      await migrateToLatest(db);
      await db.destroy();
      await pool.query(`insert into changes (id, number, source, title, requester, state, approved_by, created_at, updated_at)
        select ${id('n')}, 'CHG-' || lpad(n::text, 6, '0'), 'internal', '变更 ' || n || '：核心系统升级', 'user.' || (n % 200),
          (array['draft','submitted','cab_review','approved','rejected','withdrawn','implemented'])[n % 7 + 1], '[]',
          ${at(`n::float / ${CHANGES}`)}, ${at(`n::float / ${CHANGES}`)}
        from generate_series(0, ${CHANGES - 1}) n`);
      // The releases name a policy version the server seeds at its first start: no key check here.
      await pool.query(`set session_replication_role = replica; insert into releases (id, number, title, state, outcome, type, proposed_type, proposal, urgency,
          rollback_difficulty, new_technology, target_ci_ids, policy_version_id, requested_by, created_at, updated_at)
        select ${id(`${RELEASE_ID} + n`)}, 'REL-' || lpad(n::text, 6, '0'), '发布 ' || n,
          case when n % 10 = 0 then 'planning' else 'closed' end, case when n % 10 = 0 then null else 'successful' end,
          (array['normal','normal','major','emergency'])[n % 4 + 1], (array['normal','normal','major','emergency'])[n % 4 + 1],
          '{"type":"normal","criteria":[],"reasons":[]}', 'normal', 'easy', 0, '[]', 'bench-policy', 'user.' || (n % 200),
          ${at(`n::float / ${RELEASES}`)}, ${at(`n::float / ${RELEASES}`)}
        from generate_series(0, ${RELEASES - 1}) n;
        insert into plan_versions (id, release_id, version, status, content, drafter_id, drafter_name, window_start,
          window_end, created_at, updated_at, submitted_at, decided_by, decided_at, decision_comment)
        select ${id(`${PLAN_ID} + n`)}, ${id(`${RELEASE_ID} + n`)}, 1, 'approved', ${literal(PLAN_CONTENT)}, 'bench', 'user.' || (n % 200),
          ${at(`n::float / ${RELEASES} + 7.0 / 1825`)}, ${at(`n::float / ${RELEASES} + 7.0 / 1825 + 2.0 / 24 / 1825`)},
          ${at(`n::float / ${RELEASES}`)}, ${at(`n::float / ${RELEASES}`)}, ${at(`n::float / ${RELEASES}`)},
          'cab.chair', ${at(`n::float / ${RELEASES}`)}, null
        from generate_series(0, ${RELEASES - 1}) n; set session_replication_role = origin`);
      await pool.query(`insert into audit_events (seq, id, occurred_at, actor_id, actor_name, actor_roles, source_ip, request_id,
          action, entity_type, entity_id, outcome, before_json, after_json, details_json, hash_alg, prev_hash, hash)
        select n + 1, ${id('n')}, ${at(`n::float / ${EVENTS}`)}, null, 'user.' || (n % 200), '["operations_engineer"]',
          '10.0.0.1', null,
          case when n % ${RELEASE_EVENT_EVERY} = 0
            then (array[${RELEASE_ACTIONS.map(literal).join(', ')}])[(n / ${RELEASE_EVENT_EVERY}) % ${RELEASE_ACTIONS.length} + 1]
            else 'change.update' end,
          case when n % ${RELEASE_EVENT_EVERY} = 0 then 'release' else 'change' end,
          case when n % ${RELEASE_EVENT_EVERY} = 0 then ${id(`${RELEASE_ID} + floor(n::float / ${EVENTS} * ${RELEASES})::bigint`)}
            else ${id(`n % ${CHANGES}`)} end,
          'success', null, null,
          '{"field":"title"}', 'sha256', repeat('0', 64), repeat('0', 64)
        from generate_series(0, ${EVENTS - 1}) n`);
      await insertEstate(pool);
      // A table five years old has been vacuumed by autovacuum: its visibility map lets a count read
      // the index alone (a fresh bulk load would read every row's heap page too).
      await pool.query('vacuum analyze changes, releases, plan_versions, audit_events, cis, ci_relations');
      await pool.query('analyze');
      const size = await pool.query(
        `select sum(pg_total_relation_size(quote_ident(table_name)))::bigint as bytes from information_schema.tables where table_schema = $1`,
        [schema],
      );
      return `${fmt(Number(size.rows[0].bytes) / 1e6)} MB`;
    },
    async usersReady() {
      await pool.query('update users set must_change_password = 0');
    },
    async query(sql, params) {
      let i = 0;
      return (
        await pool.query(
          sql.replace(/\?/g, () => `$${++i}`),
          params,
        )
      ).rows as Record<string, unknown>[];
    },
    async close() {
      await pool.query(`drop schema ${schema} cascade`);
      await pool.end();
    },
  };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-lists-bench-'));
  const store = opts.postgres ? postgresStore(opts.postgres) : sqliteStore(dataDir);
  out(
    `Lists at scale (issue #18): ${fmt(CHANGES)} changes, ${fmt(RELEASES)} releases with a plan each, ${fmt(EVENTS)} audit events (one in ${RELEASE_EVENT_EVERY} about a release), ${fmt(CIS)} CIs with ${fmt(RELATIONS)} relations, ${store.label}`,
  );
  const built = process.hrtime.bigint();
  const size = await store.generate();
  out(`  generated in ${(msSince(built) / 1000).toFixed(1)} s (${size})`);

  // Who reads: an engineer (changes, releases) and an auditor (the audit trail), made with the CLI.
  const PASSWORD = 'bench-reader-correct-horse-42';
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: store.databaseUrl };
  for (const [username, roles] of [
    ['bench.engineer', 'operations_engineer'],
    ['bench.auditor', 'auditor'],
  ])
    execFileSync(
      process.execPath,
      [
        path.join(REPO_ROOT, 'packages/server/bin/releasegate.js'),
        'user',
        'create',
        '--username',
        username,
        '--name',
        username,
        '--roles',
        roles,
      ],
      { input: `${PASSWORD}\n`, env, stdio: ['pipe', 'ignore', 'inherit'] },
    );
  await store.usersReady();
  const port = await freePort();
  const server = startChild(
    'releasegate serve',
    [path.join(REPO_ROOT, 'packages/server/bin/releasegate.js'), 'serve'],
    {
      DATA_DIR: dataDir,
      DATABASE_URL: store.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
  );
  await server.waitForLine((line) => line.includes('ReleaseGate is listening'));
  server.stopCapture();
  const rg = {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await server.stop();
      await store.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const signIn = async (username: string) => {
    const res = await fetch(`${rg.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`sign-in of ${username}: HTTP ${res.status} ${await res.text()}`);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('rg_session='));
    return session!.split(';')[0];
  };
  const engineer = await signIn('bench.engineer');
  const auditor = await signIn('bench.auditor');
  const rows: string[][] = [];
  const verdicts: { goal: string; met: boolean; figure: string }[] = [];
  const busyBefore = machineBusySeconds();
  const started = Date.now();
  try {
    for (const c of cases) {
      const get = async (cursor: string | null) => {
        const t = process.hrtime.bigint();
        const res = await fetch(
          `${rg.baseUrl}${c.path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            headers: { cookie: c.path.startsWith('/api/audit') ? auditor : engineer },
          },
        );
        const body = (await res.json()) as { items: unknown[]; nextCursor: string | null };
        if (res.status !== 200) throw new Error(`${c.path}: HTTP ${res.status} ${JSON.stringify(body)}`);
        return { ms: msSince(t), body };
      };
      // Walk to the far page once, keeping its cursor (and the raw query's key of the row before it).
      let cursor: string | null = null;
      let rawAfter: unknown[] | null = null;
      let reached = 1;
      for (; reached < FAR_PAGE; reached++) {
        const { body } = await get(cursor);
        if (!body.nextCursor) break;
        cursor = body.nextCursor;
        const { sql, params } = c.raw(rawAfter);
        const page = await store.query(sql, params);
        rawAfter = c.keyOf(page[LIMIT - 1]);
      }
      for (const [label, at, after] of [
        ['page 1', null, null],
        [`page ${reached}`, cursor, rawAfter],
      ] as const) {
        const api: number[] = [];
        const direct: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          api.push((await get(at)).ms);
          const { sql, params } = c.raw(after);
          const t = process.hrtime.bigint();
          await store.query(sql, params);
          direct.push(msSince(t));
        }
        const [a, r] = [p95(api), p95(direct)];
        rows.push([c.name, label, a.toFixed(2), r.toFixed(3), (a / r).toFixed(1)]);
        verdicts.push({
          goal: `${c.name}, ${label}: p95 ≤ ${GOAL_MS} ms`,
          met: a <= GOAL_MS,
          figure: `${a.toFixed(2)} ms`,
        });
        verdicts.push({
          goal: `${c.name}, ${label}: p95 ≤ ${GOAL_RATIO} × raw`,
          met: a <= GOAL_RATIO * r,
          figure: `${(a / r).toFixed(1)} ×`,
        });
      }
    }
  } finally {
    await rg.close();
  }
  const busy =
    busyBefore === null ? null : (machineBusySeconds()! - busyBefore) / ((Date.now() - started) / 1000);
  out();
  for (const line of table(['list', 'page', 'API p95 ms', 'raw p95 ms', 'ratio'], rows, [
    false,
    false,
    true,
    true,
    true,
  ]))
    out(line);
  out();
  for (const line of table(
    ['Goal', 'Figure', ''],
    verdicts.map((v) => [v.goal, v.figure, verdict(v.met)]),
    [false, true, false],
  ))
    out(line);
  out();
  out(
    `${RUNS} sequential requests per row (one connection), signed in by session cookie; raw: the same keyset query run directly (better-sqlite3 in this process, or a pg connection). Machine busy: ${busy === null ? 'n/a' : `${busy.toFixed(2)} cores`} on average.`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
