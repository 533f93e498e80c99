// Audit chain verification against raw SHA-256 over the same bytes. Runs as its own process
// (`node --import tsx bench/src/audit-bench.ts`) and prints one JSON line (AuditBenchResult).
// The database is built with the server's own code, in process, on a fresh data directory.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { toAuditEvent } from '../../packages/server/src/modules/audit/audit.service';
import { verifyChain } from '../../packages/server/src/modules/audit/audit.verify';
import { GENESIS_HASH, canonicalJson } from '../../packages/server/src/modules/audit/audit.chain';
import { buildAuditFixture, median, secondsSince as seconds } from './audit-fixture';
import { machineBusySeconds } from './proc';

export interface AuditBenchResult {
  events: number;
  reps: number;
  buildSec: number;
  canonicalBytes: number;
  verifySec: number[];
  hashSec: number[];
  verifyEventsPerSec: number;
  hashEventsPerSec: number;
  hashBytesSec: number[];
  hashBytesEventsPerSec: number;
  ratio: number;
  /** Share of a core used by other processes during the timed runs. */
  otherCpu: number | null;
  profile?: string;
}

const events = Number(process.env.BENCH_AUDIT_EVENTS ?? 50_000);
const reps = Number(process.env.BENCH_AUDIT_REPS ?? 5);
const profileDir = process.env.BENCH_PROFILE_DIR;

// 1. N events through the real writer, many per transaction.
const fixture = await buildAuditFixture(events);
const { db, buildSec } = fixture;
try {
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
  // Context only: the same hashing over bytes already encoded as UTF-8 (chainHash hashes strings).
  const encoded = canonical.map((s) => Buffer.from(s, 'utf8'));
  const hashAllBytes = () => {
    let prev = GENESIS_HASH;
    for (const b of encoded) prev = createHash('sha256').update(prev).update('\n').update(b).digest('hex');
    return prev;
  };
  const verify = async () => {
    const result = await verifyChain(db.kysely);
    if (!result.ok || result.eventsChecked !== events || result.lastHash !== lastHash) {
      throw new Error(`verifyChain did not verify the ${events} events: ${JSON.stringify(result)}`);
    }
  };

  // 3. Warm up both once, then alternate timed runs so drift hits both sides alike.
  if (hashAll() !== lastHash || hashAllBytes() !== lastHash)
    throw new Error('the baseline chain does not end at the stored last hash');
  await verify();
  const verifySec: number[] = [];
  const hashSec: number[] = [];
  const hashBytesSec: number[] = [];
  const machine0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  const timed0 = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) {
    let t = process.hrtime.bigint();
    await verify();
    verifySec.push(seconds(t));
    t = process.hrtime.bigint();
    const end = hashAll();
    hashSec.push(seconds(t));
    if (end !== lastHash) throw new Error('baseline hash mismatch');
    t = process.hrtime.bigint();
    hashAllBytes();
    hashBytesSec.push(seconds(t));
  }

  const machine1 = machineBusySeconds();
  const own = process.cpuUsage(own0);
  const timedSec = seconds(timed0);
  const otherCpu =
    machine0 === null || machine1 === null
      ? null
      : Math.max(0, (machine1 - machine0 - (own.user + own.system) / 1e6) / timedSec);

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
    hashBytesSec,
    hashBytesEventsPerSec: events / median(hashBytesSec),
    ratio: verifyEventsPerSec / hashEventsPerSec,
    otherCpu,
    ...(profile && { profile }),
  };
  process.stdout.write(`AUDIT_RESULT ${JSON.stringify(result)}\n`);
} finally {
  await fixture.dispose();
}
