// 100,000 closed releases for the measures benchmark (KP-1, KP-2): a fresh SQLite database with
// the real schema (the server's migrations and its default policy), then one release row and one
// release record per closed release, closed over several years. Each record's stored row comes
// from the server's own toRow(), so the derived columns (quarter, facts) are what the close action
// would write; the rows go in through better-sqlite3 prepared statements in one transaction.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { ReleaseOutcome, ReleaseRecord, ReleaseType } from '../../packages/domain/src/index';
import { systemClock } from '../../packages/domain/src/clock';
import { openSqlite } from '../../packages/server/src/db/database';
import { migrateToLatest } from '../../packages/server/src/db/migrate';
import { createAuditWriter } from '../../packages/server/src/modules/audit/audit.service';
import { ensureDefaultPolicy } from '../../packages/server/src/modules/policy/policy.service';
import { toRow } from '../../packages/server/src/modules/measures/measures.repository';
import { cliContext } from '../../packages/server/src/cli/cli-context';

export interface MeasuresFixture {
  dataDir: string;
  file: string;
  releases: number;
  /** First and last quarter holding releases, and the releases per quarter. */
  firstQuarter: string;
  lastQuarter: string;
  perQuarter: Record<string, number>;
  outcomes: Record<string, number>;
  generatedSec: number;
  fileBytes: number;
  dispose: () => void;
}

/** 32-bit deterministic PRNG (mulberry32): the same history on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MINUTE = 60_000;
const DAY = 1440 * MINUTE;
/** Closed between these instants (Shanghai 2022-01-01 to 2026-11-26): nearly five years, 20 quarters. */
const FIRST_CLOSE = Date.parse('2022-01-01T00:00:00+08:00');
const LAST_CLOSE = Date.parse('2026-11-26T00:00:00+08:00');

/** One closed release as the close action would record it: outcome mix and times of a real department. */
function closedRelease(rnd: () => number, i: number, releases: number): ReleaseRecord {
  const closed = FIRST_CLOSE + Math.floor(((i + rnd()) / releases) * (LAST_CLOSE - FIRST_CLOSE));
  const x = rnd();
  const outcome: ReleaseOutcome =
    x < 0.05
      ? 'cancelled'
      : x < 0.07
        ? 'rejected'
        : x < 0.1
          ? 'rolled_back'
          : x < 0.115
            ? 'failed'
            : 'successful';
  const type: ReleaseType | null =
    outcome === 'rejected' ? null : rnd() < 0.08 ? 'emergency' : rnd() < 0.25 ? 'major' : 'normal';
  const deployed = outcome === 'successful' || outcome === 'failed' || outcome === 'rolled_back';
  const implementationStarted = closed - (1 + rnd() * 6) * DAY;
  const implementationEnded = implementationStarted + (20 + rnd() * 200) * MINUTE;
  const submitted = implementationStarted - (2 + rnd() * 10) * DAY;
  const approved = submitted + (15 + rnd() * 2880) * MINUTE;
  const decisions = outcome === 'rolled_back' || outcome === 'failed' ? 1 + Math.floor(rnd() * 3) : 0;
  const decisionMinutes = Array.from({ length: decisions }, () => 3 + rnd() * 40);
  const iso = (t: number) => new Date(t).toISOString();
  const year = new Date(closed).getUTCFullYear();
  return {
    releaseId: `bench-${String(i).padStart(6, '0')}`,
    number: `REL-${year}-${String(i).padStart(6, '0')}`,
    title: `Release ${i}`,
    type,
    outcome,
    requestedAt: iso(submitted - 3 * DAY),
    planSubmittedAt: outcome === 'rejected' ? null : iso(submitted),
    planApprovedAt: outcome === 'rejected' || outcome === 'cancelled' ? null : iso(approved),
    implementationStartedAt: deployed ? iso(implementationStarted) : null,
    implementationEndedAt: deployed ? iso(implementationEnded) : null,
    restoredAt: outcome === 'rolled_back' ? iso(implementationEnded + (10 + rnd() * 120) * MINUTE) : null,
    closedAt: iso(closed),
    rollbackDecisions: decisions,
    rollbackDecisionMinutesTotal: decisionMinutes.reduce((a, b) => a + b, 0),
    lateDecisions: decisionMinutes.filter((m) => m > 30).length,
    cmdbDueAt: outcome === 'successful' ? iso(implementationEnded + DAY) : null,
    cmdbDoneAt: outcome === 'successful' ? iso(implementationEnded + (rnd() < 0.93 ? 0.4 : 1.3) * DAY) : null,
    changeLeadMinutes: deployed ? (implementationEnded - submitted) / MINUTE + (1 + rnd() * 7) * 1440 : null,
  };
}

export async function buildMeasuresFixture(releases: number): Promise<MeasuresFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'releasegate-bench-measures-'));
  const file = path.join(dataDir, 'releasegate.db');
  const dispose = () => fs.rmSync(dataDir, { recursive: true, force: true });
  try {
    const started = process.hrtime.bigint();
    const db = openSqlite(file);
    await migrateToLatest(db);
    const audit = createAuditWriter({ dialect: 'sqlite', clock: systemClock, algorithm: 'sha256' });
    await ensureDefaultPolicy({ db, clock: systemClock, audit }, cliContext());
    const policyId = (await db.kysely.selectFrom('policy_versions').select('id').executeTakeFirstOrThrow())
      .id;
    await db.destroy();

    const raw = new BetterSqlite3(file);
    raw.pragma('journal_mode = WAL');
    const insertRelease = raw.prepare(
      `insert into releases (id, number, title, description, state, outcome, type, proposed_type, proposal,
         type_reason, urgency, rollback_difficulty, new_technology, target_ci_ids, policy_version_id,
         requested_by, decided_by, decided_at, decision_reason, created_at, updated_at)
       values (?, ?, ?, null, 'closed', ?, ?, ?, '{}', null, 'normal', 'easy', 0, '[]', ?, 'bench', null, null, null, ?, ?)`,
    );
    let insertRecord: BetterSqlite3.Statement | undefined;
    const perQuarter: Record<string, number> = {};
    const outcomes: Record<string, number> = {};
    const rnd = prng(20261126);
    raw.transaction(() => {
      for (let i = 0; i < releases; i++) {
        const r = closedRelease(rnd, i, releases);
        insertRelease.run(
          r.releaseId,
          r.number,
          r.title,
          r.outcome,
          r.type,
          r.type ?? 'normal',
          policyId,
          r.requestedAt,
          r.closedAt,
        );
        const row = toRow(r);
        insertRecord ??= raw.prepare(
          `insert into release_records (${Object.keys(row).join(', ')}) values (${Object.keys(row)
            .map((k) => `@${k}`)
            .join(', ')})`,
        );
        insertRecord.run(row);
        perQuarter[row.quarter] = (perQuarter[row.quarter] ?? 0) + 1;
        outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
      }
    })();
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    const quarters = Object.keys(perQuarter).sort();
    return {
      dataDir,
      file,
      releases,
      firstQuarter: quarters[0],
      lastQuarter: quarters[quarters.length - 1],
      perQuarter,
      outcomes,
      generatedSec: Number(process.hrtime.bigint() - started) / 1e9,
      fileBytes: fs.statSync(file).size,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}
