// Sizing the fix for audit verification (not part of `npm run bench`; the server is not changed).
//   npx tsx bench/src/experiments/audit-verify-prototype.ts     (BENCH_AUDIT_EVENTS, BENCH_AUDIT_REPS)
// Builds the same database as the benchmark, then times prototypes of a faster verifier against
// the server's verifyChain and the raw SHA-256 baseline. Every prototype must end the chain at the
// stored last hash, or the script fails.
import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { toAuditEvent } from '../../../packages/server/src/modules/audit/audit.service';
import { verifyChain } from '../../../packages/server/src/modules/audit/audit.verify';
import { iterateEvents, type AuditRow } from '../../../packages/server/src/modules/audit/audit.repository';
import { GENESIS_HASH, canonicalJson } from '../../../packages/server/src/modules/audit/audit.chain';
import { buildAuditFixture, median, secondsSince } from '../audit-fixture';

const events = Number(process.env.BENCH_AUDIT_EVENTS ?? 50_000);
const reps = Number(process.env.BENCH_AUDIT_REPS ?? 5);
const PAGE = 2000;

const sha = (prev: string, text: string) =>
  createHash('sha256').update(prev).update('\n').update(text).digest('hex');

/** Same output as canonicalJson for JSON.parse results, without the per-key arrays and closures. */
function canonicalFast(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'object')
    return typeof value === 'number' && !Number.isFinite(value) ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalFast(value[i]);
    return `${out}]`;
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${canonicalFast(v)}`;
    first = false;
  }
  return `${out}}`;
}

const q = (s: string) => JSON.stringify(s);
const qn = (s: string | null) => (s === null ? 'null' : JSON.stringify(s));
/**
 * canonicalJson(fields) spliced from the stored columns, without parsing: exact only when the JSON
 * columns hold canonical JSON (keys sorted, no spaces), which the writer would have to store.
 */
function spliced(r: AuditRow): string {
  return `{"action":${q(r.action)},"actorId":${qn(r.actor_id)},"actorName":${qn(r.actor_name)},"actorRoles":${r.actor_roles},"after":${r.after_json ?? 'null'},"before":${r.before_json ?? 'null'},"details":${r.details_json ?? 'null'},"entityId":${qn(r.entity_id)},"entityType":${qn(r.entity_type)},"id":${q(r.id)},"occurredAt":${q(r.occurred_at)},"outcome":${q(r.outcome)},"requestId":${qn(r.request_id)},"seq":${r.seq},"sourceIp":${qn(r.source_ip)}}`;
}

function slowCanonical(row: AuditRow): string {
  const { hashAlg: _a, prevHash: _p, hash: _h, ...fields } = toAuditEvent(row);
  return canonicalJson(fields);
}

interface Outcome {
  count: number;
  last: string;
}

function check(prev: string, row: AuditRow, text: string): string {
  if (row.prev_hash !== prev) throw new Error(`broken link at #${row.seq}`);
  const hash = sha(prev, text);
  if (hash !== row.hash) throw new Error(`hash mismatch at #${row.seq}`);
  return hash;
}

const fixture = await buildAuditFixture(events);
const raw = new BetterSqlite3(fixture.file);
try {
  // A copy of the log whose JSON columns hold canonical JSON, as a fixed writer would store them.
  const ddl = (
    raw.prepare("select sql from sqlite_master where type = 'table' and name = 'audit_events'").get() as {
      sql: string;
    }
  ).sql;
  raw.exec(ddl.replace(/audit_events/, 'audit_canonical'));
  raw.exec('insert into audit_canonical select * from audit_events');
  const rewrite = raw.prepare(
    'update audit_canonical set before_json = ?, after_json = ?, details_json = ? where seq = ?',
  );
  const canon = (text: string | null) => (text === null ? null : canonicalJson(JSON.parse(text)));
  raw.transaction(() => {
    for (const r of raw.prepare('select * from audit_events').all() as AuditRow[]) {
      rewrite.run(canon(r.before_json), canon(r.after_json), canon(r.details_json), r.seq);
    }
  })();

  const allRows = raw.prepare('select * from audit_events order by seq').all() as AuditRow[];
  const lastHash = allRows[allRows.length - 1].hash;
  const baselineText = allRows.map(slowCanonical);
  allRows.length = 0;

  const pageOf = (table: string, extra = '') =>
    raw.prepare(`select *${extra} from ${table} where seq > ? order by seq limit ?`);
  const pages = function* <R extends AuditRow>(statement: BetterSqlite3.Statement): Generator<R[]> {
    let after = -1;
    for (;;) {
      const page = statement.all(after, PAGE) as R[];
      if (page.length > 0) yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].seq;
    }
  };

  const fromOriginal = pageOf('audit_events');
  const fromCanonical = pageOf('audit_canonical');
  const validJson =
    ', json_valid(actor_roles) and coalesce(json_valid(before_json), 1) and coalesce(json_valid(after_json), 1) and coalesce(json_valid(details_json), 1) as json_ok';
  const fromCanonicalChecked = pageOf('audit_canonical', validJson);
  // The whole preimage built by SQLite: one text value per row crosses into JavaScript.
  const preimageSql = (check: boolean, blob = false) =>
    raw.prepare(`select seq, prev_hash, hash${check ? validJson : ', 1 as json_ok'}, ${blob ? 'cast(' : ''}
      '{"action":' || json_quote(action) || ',"actorId":' || json_quote(actor_id) || ',"actorName":' || json_quote(actor_name)
      || ',"actorRoles":' || actor_roles || ',"after":' || coalesce(after_json, 'null') || ',"before":' || coalesce(before_json, 'null')
      || ',"details":' || coalesce(details_json, 'null') || ',"entityId":' || json_quote(entity_id) || ',"entityType":' || json_quote(entity_type)
      || ',"id":' || json_quote(id) || ',"occurredAt":' || json_quote(occurred_at) || ',"outcome":' || json_quote(outcome)
      || ',"requestId":' || json_quote(request_id) || ',"seq":' || seq || ',"sourceIp":' || json_quote(source_ip) || '}'${blob ? ' as blob)' : ''} as preimage
      from audit_canonical where seq > ? order by seq limit ?`);
  type PreimageRow = AuditRow & { json_ok: number; preimage: string | Buffer };
  const preimageChecked = preimageSql(true);
  const preimageUnchecked = preimageSql(false);
  const preimageBytes = preimageSql(true, true);
  const fromPreimage = (statement: BetterSqlite3.Statement): Outcome => {
    let prev = GENESIS_HASH;
    let count = 0;
    for (const page of pages<PreimageRow>(statement)) {
      for (const row of page) {
        if (row.json_ok !== 1) throw new Error(`invalid JSON column at #${row.seq}`);
        // A mismatch would fall back to reading the full row and the parse path (rows written
        // before the change, or json_quote escaping a control character differently).
        if (row.prev_hash !== prev) throw new Error(`broken link at #${row.seq}`);
        prev = createHash('sha256').update(prev).update('\n').update(row.preimage).digest('hex');
        if (prev !== row.hash) throw new Error(`hash mismatch at #${row.seq}`);
        count++;
      }
    }
    return { count, last: prev };
  };

  const variants: Record<string, () => Promise<Outcome> | Outcome> = {
    'server verifyChain (today)': async () => {
      const r = await verifyChain(fixture.db.kysely);
      if (!r.ok) throw new Error(JSON.stringify(r));
      return { count: r.eventsChecked, last: r.lastHash ?? '' };
    },
    'A  today + faster canonicalJson (same bytes, no format change)': async () => {
      let prev = GENESIS_HASH;
      let count = 0;
      for await (const row of iterateEvents(fixture.db.kysely)) {
        const { hashAlg: _a, prevHash: _p, hash: _h, ...fields } = toAuditEvent(row);
        prev = check(prev, row, canonicalFast(fields));
        count++;
      }
      return { count, last: prev };
    },
    'B  A + one cached prepared statement, no Kysely per page': () => {
      let prev = GENESIS_HASH;
      let count = 0;
      for (const page of pages(fromOriginal)) {
        for (const row of page) {
          const { hashAlg: _a, prevHash: _p, hash: _h, ...fields } = toAuditEvent(row);
          prev = check(prev, row, canonicalFast(fields));
          count++;
        }
      }
      return { count, last: prev };
    },
    'C  canonical JSON stored; splice columns, json_valid() in SQL': () => {
      let prev = GENESIS_HASH;
      let count = 0;
      for (const page of pages<AuditRow & { json_ok: number }>(fromCanonicalChecked)) {
        for (const row of page) {
          if (row.json_ok !== 1) throw new Error(`invalid JSON column at #${row.seq}`);
          // A row written before the change (non-canonical JSON) would take the parse path here.
          prev = check(prev, row, spliced(row));
          count++;
        }
      }
      return { count, last: prev };
    },
    'D  canonical JSON stored; splice columns, JSON.parse() to validate': () => {
      let prev = GENESIS_HASH;
      let count = 0;
      for (const page of pages(fromCanonical)) {
        for (const row of page) {
          JSON.parse(row.actor_roles);
          if (row.before_json !== null) JSON.parse(row.before_json);
          if (row.after_json !== null) JSON.parse(row.after_json);
          if (row.details_json !== null) JSON.parse(row.details_json);
          prev = check(prev, row, spliced(row));
          count++;
        }
      }
      return { count, last: prev };
    },
    'E  canonical JSON stored; splice columns, no validation (upper bound)': () => {
      let prev = GENESIS_HASH;
      let count = 0;
      for (const page of pages(fromCanonical)) {
        for (const row of page) {
          prev = check(prev, row, spliced(row));
          count++;
        }
      }
      return { count, last: prev };
    },
    'F  canonical JSON stored; SQL builds the preimage, json_valid() in SQL': () =>
      fromPreimage(preimageChecked),
    'G  canonical JSON stored; SQL builds the preimage, no validation (bound)': () =>
      fromPreimage(preimageUnchecked),
    'H  as F, the preimage as bytes (no UTF-8 decode and re-encode)': () => fromPreimage(preimageBytes),
    'baseline: chained SHA-256 of precomputed canonical bytes': () => {
      let prev = GENESIS_HASH;
      for (const text of baselineText) prev = sha(prev, text);
      return { count: baselineText.length, last: prev };
    },
  };

  const times = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
  for (let r = -1; r < reps; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const t = process.hrtime.bigint();
      const outcome = await run();
      const s = secondsSince(t);
      if (outcome.count !== events || outcome.last !== lastHash)
        throw new Error(
          `${name}: verified ${outcome.count} events ending at ${outcome.last}, expected ${events} ending at ${lastHash}`,
        );
      if (r >= 0) times.get(name)!.push(s);
    }
  }

  const baseline = events / median(times.get('baseline: chained SHA-256 of precomputed canonical bytes')!);
  process.stdout.write(
    `${events} events, median of ${reps} runs after one warm-up; ratio = events/s over the baseline's events/s\n`,
  );
  for (const [name, ts] of times) {
    const rate = events / median(ts);
    process.stdout.write(
      `${name.padEnd(72)} ${Math.round(rate).toLocaleString('en-US').padStart(9)} events/s  ratio ${(rate / baseline).toFixed(3)}\n`,
    );
  }
} finally {
  raw.close();
  await fixture.dispose();
}
