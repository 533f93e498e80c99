import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { GENESIS_HASH, chainHash, type HashAlgorithm } from './audit.chain';
import { iterateEvents } from './audit.repository';
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
    const event = toAuditEvent(row);
    const bad = (problem: ChainProblem, message: string): VerifyResult => ({
      ok: false,
      eventsChecked: count,
      lastSeq: last?.seq ?? null,
      lastHash: last?.hash ?? null,
      firstBad: { seq: event.seq, id: event.id, problem, message },
    });
    if (expectedSeq !== null && event.seq !== expectedSeq) {
      return bad('sequence_gap', `expected event #${expectedSeq}, found #${event.seq}: events are missing`);
    }
    if (expectedSeq === null && event.seq !== 1) {
      return bad('sequence_gap', `the log starts at event #${event.seq}, not #1: events are missing`);
    }
    if (!ALGORITHMS.has(event.hashAlg))
      return bad('unknown_algorithm', `unknown hash algorithm ${event.hashAlg}`);
    if (event.prevHash !== expectedPrev) {
      return bad(
        'broken_link',
        `event #${event.seq} does not follow the event before it (its link was changed or events were moved)`,
      );
    }
    const { hashAlg, prevHash, hash, ...fields } = event;
    if (chainHash(hashAlg as HashAlgorithm, prevHash, fields) !== hash) {
      return bad('hash_mismatch', `event #${event.seq} was altered after it was written`);
    }
    expectedPrev = hash;
    expectedSeq = event.seq + 1;
    last = { seq: event.seq, hash };
    count++;
  }
  return { ok: true, eventsChecked: count, lastSeq: last?.seq ?? null, lastHash: last?.hash ?? null };
}
