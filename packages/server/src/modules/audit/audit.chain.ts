import { createHash } from 'node:crypto';

export type HashAlgorithm = 'sha256' | 'sm3';

/** The hash of "nothing before": the first event's predecessor. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields an event's hash covers, in a fixed shape. */
export interface ChainedFields {
  seq: number;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRoles: string[];
  sourceIp: string | null;
  requestId: string | null;
  action: string;
  entityType: string | null;
  entityId: string | null;
  outcome: string;
  before: unknown;
  after: unknown;
  details: unknown;
}

/**
 * Canonical JSON: object keys sorted, no whitespace, undefined dropped. The same event always
 * encodes to the same bytes, whatever order its properties were built in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value);
}

/** hash = H(prev_hash || "\n" || canonical(fields)), hex encoded. */
export function chainHash(algorithm: HashAlgorithm, prevHash: string, fields: ChainedFields): string {
  return createHash(algorithm).update(prevHash).update('\n').update(canonicalJson(fields)).digest('hex');
}
