import fs from 'node:fs';
import { slotAfter } from '../../jobs/schedule';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Certificate } from 'pkijs';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { Database } from '../../db/schema';
import { enqueueJob } from '../../jobs/job.repository';
import type { JobHandler } from '../../jobs/job.runner';
import { GENESIS_HASH, canonicalJson } from './audit.chain';
import { hashesAt, lastEvent } from './audit.repository';
import { verifySignature, type AuditSigner, type SignatureAlgorithm } from './audit.signing';
import { verifyTimeStamp, type TimeStamp, type TimeStamper } from './audit.timestamp';

/**
 * PR-3: a signed statement of the audit chain's head — "at `at`, the chain ended at event `seq`
 * with hash `hash`" — kept outside the database. The chain alone proves that nothing inside it
 * was altered; a checkpoint proves how long it was, so a cut tail, an emptied table or a chain
 * rewritten from scratch with the public formula no longer verifies.
 */
export interface Checkpoint {
  seq: number;
  hash: string;
  at: string;
  algorithm: SignatureAlgorithm;
  keyId: string;
  signature: string;
  /**
   * An RFC 3161 token over `checkpointText` from the operator's time-stamping authority
   * (AUDIT_TSA_URL): the statement existed at its genTime, whoever holds our key later.
   */
  timeStamp?: TimeStamp;
  /** Why the authority gave no token for this checkpoint (unreachable, refused, a bad token). */
  timeStampFailure?: string;
}

const FORMAT = 'releasegate.audit-checkpoint/1';

/** The exact text a checkpoint's signature covers. */
export function checkpointText(c: Omit<Checkpoint, 'signature'>): string {
  return canonicalJson({
    format: FORMAT,
    seq: c.seq,
    hash: c.hash,
    at: c.at,
    algorithm: c.algorithm,
    keyId: c.keyId,
  });
}

/** Where checkpoints are kept; the file store by default, the object store in a cluster. */
export interface CheckpointStore {
  readonly location: string;
  append(checkpoint: Checkpoint): Promise<void>;
  /** Every checkpoint, oldest first; lines that are not checkpoints are returned as problems. */
  readAll(): Promise<{ checkpoints: Checkpoint[]; unreadable: number[] }>;
}

/**
 * One JSON line per checkpoint, appended (O_APPEND) and flushed to disk. Point it at a directory
 * the database's owner cannot rewrite: another host's mount, or a file with the append-only
 * attribute (`chattr +a`), as docs/security.md explains.
 */
export class FileCheckpointStore implements CheckpointStore {
  readonly location: string;

  constructor(dir: string) {
    this.location = path.join(dir, 'audit-checkpoints.jsonl');
  }

  async append(checkpoint: Checkpoint): Promise<void> {
    fs.mkdirSync(path.dirname(this.location), { recursive: true });
    const fd = fs.openSync(this.location, 'a', 0o640);
    try {
      fs.writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  async readAll(): Promise<{ checkpoints: Checkpoint[]; unreadable: number[] }> {
    if (!fs.existsSync(this.location)) return { checkpoints: [], unreadable: [] };
    const checkpoints: Checkpoint[] = [];
    const unreadable: number[] = [];
    fs.readFileSync(this.location, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const c = JSON.parse(line) as Checkpoint;
          if (Number.isSafeInteger(c.seq) && typeof c.hash === 'string' && typeof c.signature === 'string')
            checkpoints.push(c);
          else unreadable.push(i + 1);
        } catch {
          unreadable.push(i + 1);
        }
      });
    return { checkpoints, unreadable };
  }
}

export interface CheckpointDeps {
  db: { kysely: Kysely<Database> };
  clock: Clock;
  signer: AuditSigner;
  checkpoints: CheckpointStore;
  /** The time-stamping authority, when the operator names one. */
  timeStamper?: TimeStamper | null;
}

/**
 * Signs the chain's current head and appends it to the store. A head already checkpointed is
 * not written again (an idle system does not grow its file), unless `force`.
 */
export async function writeCheckpoint(
  deps: CheckpointDeps,
  options: { force?: boolean } = {},
): Promise<Checkpoint> {
  const head = await lastEvent(deps.db.kysely);
  const seq = head ? Number(head.seq) : 0;
  const hash = head?.hash ?? GENESIS_HASH;
  if (!options.force) {
    const latest = (await deps.checkpoints.readAll()).checkpoints.at(-1);
    const stampedIfAsked = !deps.timeStamper || latest?.timeStamp !== undefined;
    if (
      latest &&
      latest.seq === seq &&
      latest.hash === hash &&
      latest.keyId === deps.signer.publicKey.keyId &&
      stampedIfAsked
    )
      return latest;
  }
  const unsigned = {
    seq,
    hash,
    at: deps.clock.now().toISOString(),
    algorithm: deps.signer.publicKey.algorithm,
    keyId: deps.signer.publicKey.keyId,
  };
  const text = checkpointText(unsigned);
  const checkpoint: Checkpoint = { ...unsigned, signature: deps.signer.sign(text) };
  if (deps.timeStamper) {
    // An authority that is down does not stop the checkpoint: it is written signed, with the
    // reason it carries no token, and `audit verify` counts it.
    try {
      checkpoint.timeStamp = await deps.timeStamper.stamp(text);
    } catch (error) {
      checkpoint.timeStampFailure = (error as Error).message;
    }
  }
  await deps.checkpoints.append(checkpoint);
  return checkpoint;
}

export type CheckpointProblemKind =
  | 'truncated'
  | 'rewritten'
  | 'forged'
  | 'unknown_key'
  | 'unreadable'
  | 'timestamp_invalid'
  | 'timestamp_mismatch';

/**
 * How far the authority's time may lie from the time a checkpoint claims: the token is asked for
 * right after signing, so minutes apart means the checkpoint was dated by someone else's clock.
 */
export const TIME_STAMP_TOLERANCE_MS = 10 * 60_000;

/**
 * A checkpoint's RFC 3161 token, if it has one: valid over the checkpoint's text (and, with
 * roots, from a trusted authority), and dated within TIME_STAMP_TOLERANCE_MS of what the
 * checkpoint claims. Null when there is no token or it holds.
 */
export async function checkTimeStamp(
  c: Checkpoint,
  tsaTrustAnchors: readonly Certificate[],
): Promise<{ kind: 'timestamp_invalid' | 'timestamp_mismatch'; message: string } | null> {
  if (!c.timeStamp) return null;
  const check = await verifyTimeStamp(c.timeStamp, checkpointText(c), tsaTrustAnchors);
  if (!check.ok)
    return {
      kind: 'timestamp_invalid',
      message: `the time-stamp of the checkpoint of event #${c.seq} (${c.at}) is not valid: ${check.message}`,
    };
  if (Math.abs(Date.parse(check.genTime!) - Date.parse(c.at)) > TIME_STAMP_TOLERANCE_MS)
    return {
      kind: 'timestamp_mismatch',
      message: `the checkpoint of event #${c.seq} claims ${c.at} but was time-stamped at ${check.genTime}: its date is not vouched for`,
    };
  return null;
}

export interface CheckpointCheck {
  ok: boolean;
  /** Checkpoints read from the store. */
  checked: number;
  latest: { seq: number; hash: string; at: string; timeStampedAt: string | null } | null;
  problems: { kind: CheckpointProblemKind; seq: number | null; message: string }[];
  /** RFC 3161 tokens: how many checkpoints carry one, whether their authority was checked
   * against a trust anchor, and how many were written without one (the authority failed). */
  timeStamps: { stamped: number; trusted: boolean; missing: number };
}

/**
 * Checks the chain in the database against every checkpoint: each must carry a good signature by
 * a trusted key, and the chain must still hold the event it names, with the same hash. The chain
 * itself is verified separately (audit.verify.ts); together they prove content and length.
 */
export async function checkCheckpoints(
  q: Kysely<Database>,
  store: CheckpointStore,
  trustedPublicKeys: readonly { keyId: string; pem: string }[],
  tsaTrustAnchors: readonly Certificate[] = [],
): Promise<CheckpointCheck> {
  const { checkpoints, unreadable } = await store.readAll();
  const problems: CheckpointCheck['problems'] = unreadable.map((line) => ({
    kind: 'unreadable' as const,
    seq: null,
    message: `line ${line} of ${store.location} is not a checkpoint`,
  }));
  const trusted = new Map(trustedPublicKeys.map((k) => [k.keyId, k.pem]));
  const genuine: Checkpoint[] = [];
  for (const c of checkpoints) {
    const pem = trusted.get(c.keyId);
    if (!pem) {
      problems.push({
        kind: 'unknown_key',
        seq: c.seq,
        message: `the checkpoint of event #${c.seq} (${c.at}) is signed by key ${c.keyId}, which is not trusted`,
      });
    } else if (!verifySignature(pem, checkpointText(c), c.signature)) {
      problems.push({
        kind: 'forged',
        seq: c.seq,
        message: `the checkpoint of event #${c.seq} (${c.at}) does not carry a valid signature: it was forged or altered`,
      });
    } else genuine.push(c);
  }
  for (const c of genuine) {
    const problem = await checkTimeStamp(c, tsaTrustAnchors);
    if (problem) problems.push({ ...problem, seq: c.seq });
  }
  const head = await lastEvent(q);
  const held = await hashesAt(q, [...new Set(genuine.filter((c) => c.seq > 0).map((c) => c.seq))]);
  for (const c of genuine) {
    if (c.seq === 0) continue;
    const hash = held.get(c.seq);
    if (hash === undefined) {
      problems.push({
        kind: 'truncated',
        seq: c.seq,
        message: `on ${c.at} the chain reached event #${c.seq}; it now ends at ${head ? `#${Number(head.seq)}` : 'no event at all'}: events were removed`,
      });
    } else if (hash !== c.hash) {
      problems.push({
        kind: 'rewritten',
        seq: c.seq,
        message: `event #${c.seq} no longer has the hash signed on ${c.at}: the chain was rewritten`,
      });
    }
  }
  const latest = genuine.at(-1);
  return {
    ok: problems.length === 0,
    checked: checkpoints.length,
    latest: latest
      ? {
          seq: latest.seq,
          hash: latest.hash,
          at: latest.at,
          timeStampedAt: latest.timeStamp?.genTime ?? null,
        }
      : null,
    problems,
    timeStamps: {
      stamped: genuine.filter((c) => c.timeStamp).length,
      trusted: tsaTrustAnchors.length > 0,
      missing: genuine.filter((c) => c.timeStampFailure).length,
    },
  };
}

export const CHECKPOINT_JOB = 'audit.checkpoint';

/**
 * PR-3: a checkpoint every `minutes`, run by one node (the job is leased) and enqueued again for
 * the next slot. The first is due at once, so a start vouches for the head as it found it.
 */
export function checkpointSchedule(deps: CheckpointDeps & { db: Db }, minutes: number) {
  const enqueue = (dueAt: Date) =>
    enqueueJob(deps.db.kysely, {
      kind: CHECKPOINT_JOB,
      key: `${CHECKPOINT_JOB}:${dueAt.toISOString()}`,
      dueAt: dueAt.toISOString(),
      payload: {},
    });
  return {
    start: () => enqueue(deps.clock.now()),
    handler: {
      external: async () => {
        await writeCheckpoint(deps);
        await enqueue(slotAfter(deps.clock.now(), minutes));
      },
    } satisfies JobHandler,
  };
}
