import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { createHash } from 'node:crypto';
import { GENESIS_HASH, chainHash, type HashAlgorithm } from './audit.chain';
import { iterateEvents, type AuditRow } from './audit.repository';
import { toAuditEvent } from './audit.service';

export type ChainProblem = 'hash_mismatch' | 'broken_link' | 'sequence_gap' | 'unknown_algorithm';

export interface VerifyResult {
  ok: boolean;
  eventsChecked: number;
  lastSeq: number | null;
  lastHash: string | null;
  firstBad?: { seq: number; id: string; problem: ChainProblem; message: string };
}

const ALGORITHMS = new Set<string>(['sha256', 'sm3']);

const str = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));
const raw = (v: string | null) => (v === null ? 'null' : v);

/**
 * The canonical encoding of a row's fields, spliced from the stored text: the writer stores JSON
 * columns canonically, so nothing needs parsing. Keys in canonical (sorted) order.
 */
export function canonicalFromRow(r: AuditRow): string {
  return (
    `{"action":${str(r.action)},"actorId":${str(r.actor_id)},"actorName":${str(r.actor_name)},"actorRoles":${r.actor_roles},` +
    `"after":${raw(r.after_json)},"before":${raw(r.before_json)},"details":${raw(r.details_json)},"entityId":${str(r.entity_id)},` +
    `"entityType":${str(r.entity_type)},"id":${str(r.id)},"occurredAt":${str(r.occurred_at)},"outcome":${str(r.outcome)},` +
    `"requestId":${str(r.request_id)},"seq":${r.seq},"sourceIp":${str(r.source_ip)}}`
  );
}

/** Fast path on the stored text; the full re-encoding only when it does not match (older rows). */
function rowHashMatches(r: AuditRow): boolean {
  const alg = r.hash_alg as HashAlgorithm;
  if (createHash(alg).update(r.prev_hash).update('\n').update(canonicalFromRow(r)).digest('hex') === r.hash)
    return true;
  const { hashAlg: _a, prevHash, hash: _h, ...fields } = toAuditEvent(r);
  return chainHash(alg, prevHash, fields) === r.hash;
}

/**
 * Recomputes the whole chain, oldest first, and names the first bad event:
 * - hash_mismatch: the event's content was edited (its stored hash no longer matches);
 * - broken_link: its prev_hash is not the hash of the event before it (deletion, insertion, reorder);
 * - sequence_gap: a sequence number is missing (an event was deleted).
 */
export async function verifyChain(q: Kysely<Database>): Promise<VerifyResult> {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq: number | null = null;
  let count = 0;
  let last: { seq: number; hash: string } | null = null;
  for await (const row of iterateEvents(q)) {
    const bad = (problem: ChainProblem, message: string): VerifyResult => ({
      ok: false,
      eventsChecked: count,
      lastSeq: last?.seq ?? null,
      lastHash: last?.hash ?? null,
      firstBad: { seq: row.seq, id: row.id, problem, message },
    });
    if (expectedSeq !== null && row.seq !== expectedSeq) {
      return bad('sequence_gap', `expected event #${expectedSeq}, found #${row.seq}: events are missing`);
    }
    if (expectedSeq === null && row.seq !== 1) {
      return bad('sequence_gap', `the log starts at event #${row.seq}, not #1: events are missing`);
    }
    if (!ALGORITHMS.has(row.hash_alg))
      return bad('unknown_algorithm', `unknown hash algorithm ${row.hash_alg}`);
    if (row.prev_hash !== expectedPrev) {
      return bad(
        'broken_link',
        `event #${row.seq} does not follow the event before it (its link was changed or events were moved)`,
      );
    }
    if (!rowHashMatches(row))
      return bad('hash_mismatch', `event #${row.seq} was altered after it was written`);
    expectedPrev = row.hash;
    expectedSeq = row.seq + 1;
    last = { seq: row.seq, hash: row.hash };
    count++;
  }
  return { ok: true, eventsChecked: count, lastSeq: last?.seq ?? null, lastHash: last?.hash ?? null };
}
