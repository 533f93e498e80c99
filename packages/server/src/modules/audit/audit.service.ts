import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '@releasegate/domain';
import type { Db, Dialect } from '../../db/database';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import {
  GENESIS_HASH,
  canonicalJson,
  chainHash,
  type ChainedFields,
  type HashAlgorithm,
} from './audit.chain';
import * as repo from './audit.repository';
import type { AuditAction, RefusalName } from './audit.actions';

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEntry {
  /** One of the vocabulary (audit.actions.ts); a refusal without an action of its own as asked. */
  action: AuditAction | RefusalName;
  entityType?: string | null;
  entityId?: string | null;
  outcome?: AuditOutcome;
  before?: unknown;
  after?: unknown;
  details?: unknown;
  /** For events without a signed-in principal (a failed sign-in): the name that was tried. */
  actorName?: string | null;
}

export interface AuditEvent extends ChainedFields {
  hashAlg: string;
  prevHash: string;
  hash: string;
}

export interface AuditWriter {
  /** Appends one event to the chain inside the caller's transaction. */
  record(trx: Kysely<Database>, ctx: RequestContext, entry: AuditEntry): Promise<AuditEvent>;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export function toAuditEvent(row: repo.AuditRow): AuditEvent {
  return {
    seq: row.seq,
    id: row.id,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    actorRoles: JSON.parse(row.actor_roles) as string[],
    sourceIp: row.source_ip,
    requestId: row.request_id,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    outcome: row.outcome,
    before: parse(row.before_json),
    after: parse(row.after_json),
    details: parse(row.details_json),
    hashAlg: row.hash_alg,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * the details of an event of an action taken from a chat card, with the channel beside
 * them (the event's own details keep their shape when they are an object).
 */
function withChannel(details: unknown, channel: RequestContext['channel']): unknown {
  if (!channel) return details;
  if (details === undefined || details === null) return { channel };
  if (typeof details === 'object' && !Array.isArray(details)) return { ...details, channel };
  return { value: details, channel };
}

// Stored canonically, so verification can hash the stored text as it is (audit.verify.ts).
const json = (v: unknown): string | null => (v === undefined || v === null ? null : canonicalJson(v));

export function createAuditWriter(deps: {
  dialect: Dialect;
  clock: Clock;
  algorithm: HashAlgorithm;
}): AuditWriter {
  return {
    async record(trx, ctx, entry) {
      await repo.lockChain(trx, deps.dialect);
      const last = await repo.lastEvent(trx);
      const prevHash = last?.hash ?? GENESIS_HASH;
      // Store JSON exactly as it will be read back, so the hash verifies after a round trip.
      const beforeJson = json(entry.before);
      const afterJson = json(entry.after);
      const detailsJson = json(withChannel(entry.details, ctx.channel));
      const fields: ChainedFields = {
        seq: (last?.seq ?? 0) + 1,
        id: randomUUID(),
        occurredAt: deps.clock.now().toISOString(),
        actorId: ctx.principal?.userId ?? null,
        actorName: ctx.principal?.username ?? entry.actorName ?? null,
        actorRoles: [...(ctx.principal?.roles ?? [])],
        sourceIp: ctx.sourceIp,
        requestId: ctx.requestId,
        action: entry.action,
        entityType: entry.entityType ?? null,
        entityId: entry.entityId ?? null,
        outcome: entry.outcome ?? 'success',
        before: parse(beforeJson),
        after: parse(afterJson),
        details: parse(detailsJson),
      };
      const hash = chainHash(deps.algorithm, prevHash, fields);
      await repo.insertEvent(trx, {
        seq: fields.seq,
        id: fields.id,
        occurred_at: fields.occurredAt,
        actor_id: fields.actorId,
        actor_name: fields.actorName,
        actor_roles: JSON.stringify(fields.actorRoles),
        source_ip: fields.sourceIp,
        request_id: fields.requestId,
        action: fields.action,
        entity_type: fields.entityType,
        entity_id: fields.entityId,
        outcome: fields.outcome,
        before_json: beforeJson,
        after_json: afterJson,
        details_json: detailsJson,
        hash_alg: deps.algorithm,
        prev_hash: prevHash,
        hash,
      });
      return { ...fields, hashAlg: deps.algorithm, prevHash, hash };
    },
  };
}

/** Records one event in a transaction of its own: refusals, whose action's own transaction failed. */
export async function recordStandalone(db: Db, audit: AuditWriter, ctx: RequestContext, entry: AuditEntry) {
  return db.kysely.transaction().execute((trx) => audit.record(trx, ctx, entry));
}
