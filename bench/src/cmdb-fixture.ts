// A generated CMDB for the impact-analysis benchmark (CM-2): N CIs and 10 × N relations written
// straight into SQLite with the real schema. Migrations and the built-in CI types come from the
// server's own code; the rows themselves go in through better-sqlite3 prepared statements in one
// transaction. The file is cached under the OS temp dir, keyed by the generator version, the size
// and the list of migrations, so only the first run (or a run after a new migration) pays for it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '../../packages/domain/src/clock';
import type { RelationType } from '../../packages/domain/src/cmdb/relations';
import { openSqlite } from '../../packages/server/src/db/database';
import { migrateToLatest, migrations } from '../../packages/server/src/db/migrate';
import { createAuditWriter } from '../../packages/server/src/modules/audit/audit.service';
import { ensureBuiltinCiTypes } from '../../packages/server/src/modules/cmdb/ci-type.service';
import type { CmdbDeps } from '../../packages/server/src/modules/cmdb/cmdb.deps';
import { CACHE_ROOT, GENERATOR_VERSION } from './impact-types';

export interface CmdbFixture {
  /** The cached, pristine database file (never opened for writing after generation). */
  file: string;
  cis: number;
  relations: number;
  /** CIs per type and relations per type, as generated. */
  ciTypes: Record<string, number>;
  relationTypes: Record<string, number>;
  /** Seconds the generation took, or null when the cached file was reused. */
  generatedSec: number | null;
  /** Seconds the first generation of this cached file took (stored next to it). */
  firstGeneratedSec: number;
  fileBytes: number;
}

/** 32-bit deterministic PRNG (mulberry32): the same estate on every machine and run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const uuid = () => {
    const hex = Array.from({ length: 4 }, () =>
      ((next() * 4294967296) >>> 0).toString(16).padStart(8, '0'),
    ).join('');
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return { next, int, uuid };
}

type CiType =
  | 'service'
  | 'application'
  | 'middleware'
  | 'database'
  | 'server'
  | 'network_device'
  | 'storage'
  | 'document';

interface Estate {
  type: CiType[];
  name: string[];
  owner: string[];
  critical: boolean[];
  version: (string | null)[];
  /** source, target, relation code (index into RELATIONS), flattened. */
  relations: Int32Array;
  relationCount: number;
}

const RELATIONS: readonly RelationType[] = ['depends_on', 'runs_on', 'connects_to', 'part_of'];

/**
 * The estate, shaped like a real one: business domains (teams) that each own services,
 * applications, middleware, databases, documents and servers, on shared network, storage and
 * platform (shared middleware and databases). A change travels upwards: network and storage →
 * servers → middleware/databases → applications → services. So an application or a domain's
 * database reaches tens to hundreds of CIs, a shared platform used by several domains reaches
 * thousands, and a server, switch or storage array reaches nearly the whole estate, because
 * links (connects_to) carry a change both ways through the network.
 */
function planEstate(totalCis: number, totalRelations: number): Estate {
  const rnd = prng(20261126);
  const domains = Math.max(2, Math.round(totalCis / 1000));
  // Per domain: 50 services, 200 applications, 80 middleware, 80 databases, 20 documents, 450 servers.
  const perDomain = {
    service: 50,
    application: 200,
    middleware: 80,
    database: 80,
    document: 20,
    server: 450,
  };
  const domainSize = Object.values(perDomain).reduce((a, b) => a + b, 0); // 880
  const shared = totalCis - domains * domainSize; // network, storage, shared platforms
  if (shared < 100) throw new Error(`too few CIs for ${domains} domains: ${totalCis}`);
  const coreCount = Math.max(4, Math.round(shared * 0.0167));
  const accessPerDomain = Math.max(2, Math.round((shared * 0.4) / domains));
  const storageCount = Math.round(shared * 0.25);
  const platformCount = shared - coreCount - accessPerDomain * domains - storageCount;
  if (platformCount < 10) throw new Error('too few shared platforms');

  const type: CiType[] = [];
  const name: string[] = [];
  const owner: string[] = [];
  const critical: boolean[] = [];
  const version: (string | null)[] = [];
  const add = (t: CiType, n: string, o: string, v: string | null) => {
    type.push(t);
    name.push(n);
    owner.push(o);
    critical.push(rnd.next() < (t === 'service' ? 0.3 : 0.08));
    version.push(v);
    return type.length - 1;
  };
  const range = <T>(count: number, make: (i: number) => T): T[] =>
    Array.from({ length: count }, (_, i) => make(i));
  const ver = () => `${1 + rnd.int(9)}.${rnd.int(20)}.${rnd.int(50)}`;

  const core = range(coreCount, (i) => add('network_device', `core-sw-${i}`, 'network', '17.3.1'));
  const storage = range(storageCount, (i) => add('storage', `san-${i}`, 'storage', '9.1'));
  const platforms = range(platformCount, (i) =>
    add(i % 2 ? 'database' : 'middleware', `platform-${i % 2 ? 'db' : 'mw'}-${i}`, 'platform', ver()),
  );
  const dom = range(domains, (d) => {
    const tag = `d${String(d).padStart(3, '0')}`;
    const team = `team-${tag}`;
    const mk = (t: CiType, prefix: string, count: number, v: () => string | null) =>
      range(count, (i) => add(t, `${prefix}-${tag}-${String(i).padStart(3, '0')}`, team, v()));
    return {
      services: mk('service', 'svc', perDomain.service, () => null),
      apps: mk('application', 'app', perDomain.application, ver),
      stores: [
        ...mk('middleware', 'mw', perDomain.middleware, ver),
        ...mk('database', 'db', perDomain.database, ver),
      ],
      documents: mk('document', 'doc', perDomain.document, () => null),
      servers: mk('server', 'srv', perDomain.server, () => 'linux-6.6'),
      access: mk('network_device', 'sw', accessPerDomain, () => '17.3.1'),
    };
  });
  if (type.length !== totalCis) throw new Error(`planned ${type.length} CIs, expected ${totalCis}`);

  // Relations, deduplicated on (source, target, type) like the table's unique constraint.
  const relations = new Int32Array(totalRelations * 3);
  let count = 0;
  const seen = RELATIONS.map(() => new Set<number>());
  const rel = (source: number, target: number, t: RelationType): boolean => {
    if (count >= totalRelations || source === target) return false;
    const code = RELATIONS.indexOf(t);
    const key = source * 4194304 + target; // both < 2^22
    if (seen[code].has(key)) return false;
    seen[code].add(key);
    relations.set([source, target, code], count * 3);
    count++;
    return true;
  };
  /** `k` distinct random picks from `pool` (fewer when the pool is smaller). */
  const pick = (pool: readonly number[], k: number): number[] => {
    if (pool.length <= k) return [...pool];
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(pool[rnd.int(pool.length)]);
    return [...chosen];
  };
  /** A random element, biased to the start of the pool (Zipf-like popularity, s ≈ 1). */
  const popular = (pool: readonly number[]) =>
    pool[Math.floor(Math.exp(rnd.next() * Math.log(pool.length + 1))) - 1];

  // Shared infrastructure: a core network mesh; storage arrays on the storage network.
  for (let i = 0; i < core.length; i++) {
    rel(core[i], core[(i + 1) % core.length], 'connects_to');
    for (const j of pick(core, 4)) if (j > i) rel(core[i], j, 'connects_to');
  }
  for (const s of storage) for (const c of pick(core, 2)) rel(s, c, 'connects_to');

  for (const d of dom) {
    for (const sw of d.access) for (const c of pick(core, 2)) rel(sw, c, 'connects_to');
    for (let i = 0; i < d.services.length; i++) {
      for (const a of pick(d.apps, 20)) rel(d.services[i], a, 'depends_on');
      // Services build on earlier services of the same domain (no cycles).
      for (const j of pick(d.services.slice(Math.max(0, i - 10), i), 2)) rel(d.services[i], j, 'depends_on');
    }
    for (let i = 0; i < d.apps.length; i++) {
      const app = d.apps[i];
      // Applications call earlier applications of the domain (a window of 40: no cycles).
      for (const j of pick(d.apps.slice(Math.max(0, i - 40), i), 3)) rel(app, j, 'depends_on');
      for (const s of pick(d.stores, 10)) rel(app, s, 'depends_on');
      if (rnd.next() < 0.9) rel(app, popular(platforms), 'depends_on');
      for (const s of pick(d.servers, 8)) rel(app, s, 'runs_on');
    }
    for (const s of d.stores) for (const srv of pick(d.servers, 4)) rel(s, srv, 'runs_on');
    for (const doc of d.documents) rel(doc, d.services[rnd.int(d.services.length)], 'part_of');
    // A third of the servers are hosts; the others are virtual machines that run on one.
    const hosts = d.servers.slice(0, Math.floor(d.servers.length / 3));
    for (const srv of d.servers.slice(hosts.length)) rel(srv, hosts[rnd.int(hosts.length)], 'runs_on');
    for (const srv of d.servers) {
      for (const sw of pick(d.access, 4)) rel(srv, sw, 'connects_to');
      for (const st of pick(storage, 2)) rel(srv, st, 'depends_on');
    }
  }
  for (const p of platforms) {
    const d = dom[rnd.int(dom.length)];
    for (const srv of pick(d.servers, 4)) rel(p, srv, 'runs_on');
  }
  // Fill up to exactly totalRelations with more server → storage dependencies (they only
  // matter to changes that already reach nearly everything).
  const servers = dom.flatMap((d) => d.servers);
  if (count > totalRelations * 0.99 || count < totalRelations * 0.8)
    throw new Error(`the structured relations (${count}) should be 80–99 % of ${totalRelations}`);
  while (count < totalRelations)
    rel(servers[rnd.int(servers.length)], storage[rnd.int(storage.length)], 'depends_on');
  return { type, name, owner, critical, version, relations, relationCount: count };
}

const CREATED_AT = '2026-11-01T08:00:00.000Z';

/** A CI of a generated estate, as the `cis` table holds it. */
export interface EstateCi {
  id: string;
  type: CiType;
  name: string;
  owner: string;
  critical: boolean;
  version: string | null;
  description: string | null;
}

/** A generated estate, row by row as the tables hold it; ids from a seeded PRNG (the same every run). */
export interface EstateRows {
  cis: EstateCi[];
  relationCount: number;
  /** Calls `row` for each relation, in order (ids drawn as it goes: call it once). */
  forEachRelation(row: (id: string, source: string, target: string, type: RelationType) => void): void;
  ciTypes: Record<string, number>;
  relationTypes: Record<string, number>;
}

/** The estate of `totalCis` CIs and `totalRelations` relations (see planEstate), as rows. */
export function estateRows(totalCis: number, totalRelations: number): EstateRows {
  const estate = planEstate(totalCis, totalRelations);
  const rnd = prng(42);
  const cis = estate.type.map((type, i) => ({
    id: rnd.uuid(),
    type,
    name: estate.name[i],
    owner: estate.owner[i],
    critical: estate.critical[i],
    version: estate.version[i],
    description: type === 'service' ? `业务服务 ${estate.name[i]}` : null,
  }));
  const ciTypes: Record<string, number> = {};
  for (const t of estate.type) ciTypes[t] = (ciTypes[t] ?? 0) + 1;
  const relationTypes: Record<string, number> = {};
  for (let k = 0; k < estate.relationCount; k++) {
    const t = RELATIONS[estate.relations[k * 3 + 2]];
    relationTypes[t] = (relationTypes[t] ?? 0) + 1;
  }
  return {
    cis,
    relationCount: estate.relationCount,
    forEachRelation(row) {
      const r = estate.relations;
      for (let k = 0; k < estate.relationCount; k++)
        row(rnd.uuid(), cis[r[k * 3]].id, cis[r[k * 3 + 1]].id, RELATIONS[r[k * 3 + 2]]);
    },
    ciTypes,
    relationTypes,
  };
}

/**
 * Writes the estate into an open SQLite database with the real schema, in one transaction; each
 * CI created and updated at `at(i)` (the same moment for all unless given).
 */
export function writeEstate(
  raw: BetterSqlite3.Database,
  rows: EstateRows,
  at: (i: number) => string = () => CREATED_AT,
): void {
  const insertCi = raw.prepare(
    `insert into cis (id, type_key, name, environment, owner, critical, version, attributes, description,
                      status, revision, created_at, updated_at, retired_at)
     values (?, ?, ?, 'production', ?, ?, ?, '{}', ?, 'active', 1, ?, ?, null)`,
  );
  const insertRelation = raw.prepare(
    'insert into ci_relations (id, source_id, target_id, type, created_at, created_by) values (?, ?, ?, ?, ?, null)',
  );
  raw.transaction(() => {
    rows.cis.forEach((ci, i) =>
      insertCi.run(
        ci.id,
        ci.type,
        ci.name,
        ci.owner,
        ci.critical ? 1 : 0,
        ci.version,
        ci.description,
        at(i),
        at(i),
      ),
    );
    rows.forEachRelation((id, source, target, type) =>
      insertRelation.run(id, source, target, type, CREATED_AT),
    );
    // What the server does after any relation change: its in-memory graph is then stale.
    raw.prepare('update cmdb_state set change_seq = 1 where id = 1').run();
  })();
}

async function generate(file: string, totalCis: number, totalRelations: number) {
  // Schema and built-in CI types through the server's own code, as the server would.
  const db = openSqlite(file);
  try {
    await migrateToLatest(db);
    const clock = systemClock;
    const audit = createAuditWriter({ dialect: 'sqlite', clock, algorithm: 'sha256' });
    const deps = { db, clock, audit } as Pick<CmdbDeps, 'db' | 'clock' | 'audit'>;
    await ensureBuiltinCiTypes(deps, { principal: null, sourceIp: null, requestId: null });
  } finally {
    await db.destroy();
  }

  const rows = estateRows(totalCis, totalRelations);
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('synchronous = OFF');
    raw.pragma('cache_size = -1000000'); // 1 GB: every index stays in memory while loading
    raw.pragma('foreign_keys = ON');
    writeEstate(raw, rows);
    raw.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    raw.close();
  }
  return { ciTypes: rows.ciTypes, relationTypes: rows.relationTypes };
}

/** The cached CMDB file for this size, generated first when missing (or when `fresh`). */
export async function ensureCmdbFixture(
  totalCis: number,
  totalRelations: number,
  fresh = false,
): Promise<CmdbFixture> {
  const migrationsKey = createHash('sha256')
    .update(Object.keys(migrations).join('\n'))
    .digest('hex')
    .slice(0, 10);
  const dir = path.join(CACHE_ROOT, `v${GENERATOR_VERSION}-${totalCis}-${totalRelations}-${migrationsKey}`);
  const file = path.join(dir, 'releasegate.db');
  const metaFile = path.join(dir, 'fixture.json');
  type Meta = Omit<CmdbFixture, 'file' | 'generatedSec' | 'fileBytes'>;
  let generatedSec: number | null = null;
  if (fresh || !fs.existsSync(metaFile)) {
    fs.mkdirSync(CACHE_ROOT, { recursive: true });
    // Files of another generator version or schema are of no further use, and neither is a
    // half-written one that a killed run left behind an hour ago.
    for (const entry of fs.readdirSync(CACHE_ROOT)) {
      const full = path.join(CACHE_ROOT, entry);
      const stale = entry.startsWith('tmp-')
        ? Date.now() - fs.statSync(full).mtimeMs > 3_600_000
        : !entry.startsWith(`v${GENERATOR_VERSION}-`) || !entry.endsWith(`-${migrationsKey}`) || full === dir;
      if (stale) fs.rmSync(full, { recursive: true, force: true });
    }
    const tmp = fs.mkdtempSync(path.join(CACHE_ROOT, 'tmp-'));
    const started = process.hrtime.bigint();
    const counts = await generate(path.join(tmp, 'releasegate.db'), totalCis, totalRelations);
    generatedSec = Number(process.hrtime.bigint() - started) / 1e9;
    const meta: Meta = {
      cis: totalCis,
      relations: totalRelations,
      ...counts,
      firstGeneratedSec: generatedSec,
    };
    fs.writeFileSync(path.join(tmp, 'fixture.json'), JSON.stringify(meta));
    fs.renameSync(tmp, dir); // complete or absent: never half a file under the final name
  }
  const meta = JSON.parse(fs.readFileSync(metaFile, 'utf8')) as Meta;
  return { ...meta, file, generatedSec, fileBytes: fs.statSync(file).size };
}
