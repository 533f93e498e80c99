// Audit chain verification against raw SHA-256 over the same bytes. Runs as its own process
// (`node --import tsx bench/src/audit-bench.ts`) and prints one JSON line (AuditBenchResult).
// The database is built with the server's own code, in process, on a fresh data directory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { openSqlite } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import { createAuditWriter, toAuditEvent } from '../../packages/server/src/modules/audit/audit.service';
import { verifyChain } from '../../packages/server/src/modules/audit/audit.verify';
import { GENESIS_HASH, canonicalJson } from '../../packages/server/src/modules/audit/audit.chain';
import type { RequestContext } from '../../packages/server/src/context';

export interface AuditBenchResult {
  events: number;
  reps: number;
  buildSec: number;
  canonicalBytes: number;
  verifySec: number[];
  hashSec: number[];
  verifyEventsPerSec: number;
  hashEventsPerSec: number;
  ratio: number;
  profile?: string;
}

const events = Number(process.env.BENCH_AUDIT_EVENTS ?? 50_000);
const reps = Number(process.env.BENCH_AUDIT_REPS ?? 5);
const profileDir = process.env.BENCH_PROFILE_DIR;
const BATCH = 1000;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-audit-bench-'));
const db = openSqlite(path.join(dir, 'releasegate.db'));
try {
  await migrateToLatest(db);

  // 1. N events through the real writer, many per transaction.
  const writer = createAuditWriter({ dialect: 'sqlite', clock: { now: () => new Date() }, algorithm: 'sha256' });
  const ctx: RequestContext = { principal: null, sourceIp: '127.0.0.1', requestId: null };
  const buildStart = process.hrtime.bigint();
  for (let done = 0; done < events; ) {
    const size = Math.min(BATCH, events - done);
    await db.kysely.transaction().execute(async (trx) => {
      for (let i = 0; i < size; i++) {
        const n = done + i;
        const user = {
          id: `00000000-0000-4000-8000-${String(n % 500).padStart(12, '0')}`,
          username: `user.${n % 500}`,
          displayName: `发布工程师 ${n % 500}`,
          email: `user.${n % 500}@example.com`,
          roles: ['operations_engineer', 'release_implementer'],
          disabled: false,
          failedAttempts: 0,
          lockedUntil: null,
          passwordChangedAt: '2026-11-01T08:00:00.000Z',
          createdAt: '2026-10-01T08:00:00.000Z',
          updatedAt: '2026-11-20T08:00:00.000Z',
        };
        await writer.record(trx, ctx, {
          action: 'user.updated',
          entityType: 'user',
          entityId: user.id,
          before: user,
          after: { ...user, displayName: `${user.displayName} (更新 ${n})`, updatedAt: new Date().toISOString() },
        });
      }
    });
    done += size;
  }
  const buildSec = seconds(buildStart);

  // 2. The baseline's input, outside any timed region: each event's canonical bytes, built from the
  //    stored row with the chain's own field shape and encoder, as the verifier hashes them.
  const rows = await db.kysely.selectFrom('audit_events').selectAll().orderBy('seq', 'asc').execute();
  const canonical = rows.map((row) => {
    const { hashAlg: _a, prevHash: _p, hash: _h, ...fields } = toAuditEvent(row);
    return canonicalJson(fields);
  });
  const lastHash = rows[rows.length - 1].hash;
  const canonicalBytes = canonical.reduce((sum, s) => sum + Buffer.byteLength(s), 0);
  rows.length = 0;

  // The baseline: the same SHA-256 calls chainHash makes, chained, nothing else.
  const hashAll = () => {
    let prev = GENESIS_HASH;
    for (const s of canonical) prev = createHash('sha256').update(prev).update('\n').update(s).digest('hex');
    return prev;
  };
  const verify = async () => {
    const result = await verifyChain(db.kysely);
    if (!result.ok || result.eventsChecked !== events || result.lastHash !== lastHash) {
      throw new Error(`verifyChain did not verify the ${events} events: ${JSON.stringify(result)}`);
    }
  };

  // 3. Warm up both once, then alternate timed runs so drift hits both sides alike.
  if (hashAll() !== lastHash) throw new Error('the baseline chain does not end at the stored last hash');
  await verify();
  const verifySec: number[] = [];
  const hashSec: number[] = [];
  for (let r = 0; r < reps; r++) {
    let t = process.hrtime.bigint();
    await verify();
    verifySec.push(seconds(t));
    t = process.hrtime.bigint();
    const end = hashAll();
    hashSec.push(seconds(t));
    if (end !== lastHash) throw new Error('baseline hash mismatch');
  }

  // 4. Optionally, a CPU profile of one more verification (outside the figures above).
  let profile: string | undefined;
  if (profileDir) {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await verify();
    const { profile: data } = await session.post('Profiler.stop');
    session.disconnect();
    fs.mkdirSync(profileDir, { recursive: true });
    profile = path.join(profileDir, 'audit-verify.cpuprofile');
    fs.writeFileSync(profile, JSON.stringify(data));
  }

  const verifyEventsPerSec = events / median(verifySec);
  const hashEventsPerSec = events / median(hashSec);
  const result: AuditBenchResult = {
    events,
    reps,
    buildSec,
    canonicalBytes,
    verifySec,
    hashSec,
    verifyEventsPerSec,
    hashEventsPerSec,
    ratio: verifyEventsPerSec / hashEventsPerSec,
    ...(profile && { profile }),
  };
  process.stdout.write(`AUDIT_RESULT ${JSON.stringify(result)}\n`);
} finally {
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
