import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { pageQuery, pageView } from '../../http/page.schemas';
import { AUDIT_SORTS } from './audit.repository';

export const auditFilterQuery = z.object({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  entityType: z.string().max(100).optional(),
  entityId: z.string().max(100).optional(),
  outcome: z.enum(['success', 'denied', 'failed']).optional(),
  from: z.iso.datetime({ message: FIELDS.iso_time }).optional(),
  to: z.iso.datetime({ message: FIELDS.iso_time }).optional(),
  text: z.string().max(100).optional(),
});

export const auditListQuery = auditFilterQuery.extend(pageQuery(AUDIT_SORTS, '-seq').shape);

export const auditExportQuery = auditFilterQuery.extend({ format: z.enum(['csv', 'jsonl']).default('csv') });

export const auditEventView = z.object({
  seq: z.number(),
  id: z.string(),
  occurredAt: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  actorRoles: z.array(z.string()),
  sourceIp: z.string().nullable(),
  requestId: z.string().nullable(),
  action: z.string(),
  entityType: z.string().nullable(),
  entityId: z.string().nullable(),
  outcome: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  details: z.unknown(),
  hashAlg: z.string(),
  prevHash: z.string(),
  hash: z.string(),
});

export const auditListView = pageView(auditEventView);

export const verifyView = z.object({
  ok: z.boolean(),
  eventsChecked: z.number(),
  lastSeq: z.number().nullable(),
  lastHash: z.string().nullable(),
  firstBad: z
    .object({ seq: z.number(), id: z.string(), problem: z.string(), message: z.string() })
    .optional(),
  /** PR-3: the chain against the signed checkpoints of its head. */
  checkpoints: z.object({
    ok: z.boolean(),
    checked: z.number(),
    latest: z
      .object({ seq: z.number(), hash: z.string(), at: z.string(), timeStampedAt: z.string().nullable() })
      .nullable(),
    problems: z.array(
      z.object({
        kind: z.enum([
          'truncated',
          'rewritten',
          'forged',
          'unknown_key',
          'unreadable',
          'timestamp_invalid',
          'timestamp_mismatch',
        ]),
        seq: z.number().nullable(),
        message: z.string(),
      }),
    ),
    /** RFC 3161 time-stamps: how many checkpoints carry one, whether their authority was checked
     * against the configured roots, how many were written while the authority gave none. */
    timeStamps: z.object({ stamped: z.number(), trusted: z.boolean(), missing: z.number() }),
  }),
});

export const checkpointView = z.object({
  seq: z.number(),
  hash: z.string(),
  at: z.string(),
  algorithm: z.enum(['ed25519', 'sm2']),
  keyId: z.string(),
  signature: z.string(),
  timeStamp: z
    .object({ token: z.string(), genTime: z.string(), serial: z.string(), authority: z.string() })
    .optional(),
  timeStampFailure: z.string().optional(),
});

export const publicKeyView = z.object({
  algorithm: z.enum(['ed25519', 'sm2']),
  keyId: z.string(),
  pem: z.string(),
});
