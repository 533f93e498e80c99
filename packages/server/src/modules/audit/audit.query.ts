import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { openPage, type Page, type PageRequest } from '../../db/keyset';
import * as repo from './audit.repository';
import { currentActionName } from './audit.actions';
import { recordStandalone, toAuditEvent, type AuditEvent, type AuditWriter } from './audit.service';
import { verifyChain, type VerifyResult } from './audit.verify';
import {
  checkCheckpoints,
  writeCheckpoint,
  type Checkpoint,
  type CheckpointCheck,
  type CheckpointStore,
} from './audit.checkpoint';
import type { AuditSigner } from './audit.signing';
import type { TimeStamper } from './audit.timestamp';
import type { Certificate } from 'pkijs';

export interface AuditQueryDeps {
  db: Db;
  audit: AuditWriter;
  signer: AuditSigner;
  checkpoints: CheckpointStore;
  timeStamper: TimeStamper | null;
}

export type FullVerifyResult = VerifyResult & { checkpoints: CheckpointCheck };

/**
 * The chain (content: nothing inside it altered) and the signed checkpoints (length: nothing cut
 * off or rewritten from scratch), with the server's own key or the keys an auditor brings.
 */
export async function verifyTrail(
  deps: Pick<AuditQueryDeps, 'db' | 'signer' | 'checkpoints'> & { timeStamper?: TimeStamper | null },
  trustedPublicKeys: readonly { keyId: string; pem: string }[] = [deps.signer.publicKey],
  tsaTrustAnchors: readonly Certificate[] = deps.timeStamper?.trustAnchors ?? [],
): Promise<FullVerifyResult> {
  const chain = await verifyChain(deps.db.kysely);
  const checkpoints = await checkCheckpoints(
    deps.db.kysely,
    deps.checkpoints,
    trustedPublicKeys,
    tsaTrustAnchors,
  );
  return { ...chain, ok: chain.ok && checkpoints.ok, checkpoints };
}

/** A page of the audit trail (keyset on seq), newest first unless asked; no total (the trail is long). */
export async function listAuditEvents(
  deps: AuditQueryDeps,
  ctx: RequestContext,
  filter: repo.AuditFilter,
  page: PageRequest<(typeof repo.AUDIT_SORTS)[number]>,
): Promise<Page<AuditEvent>> {
  authorize(ctx, 'audit.read');
  const position = openPage(page, filter, repo.auditKeys());
  // Decision 0022: shown under the current names; the rows (and exports) keep what was hashed.
  return repo.pageEvents(deps.db.kysely, filter, position, (rows) =>
    rows.map((row) => ({ ...toAuditEvent(row), action: currentActionName(row.action) })),
  );
}

const CSV_COLUMNS = [
  'seq',
  'occurredAt',
  'actorName',
  'actorId',
  'actorRoles',
  'sourceIp',
  'requestId',
  'action',
  'entityType',
  'entityId',
  'outcome',
  'before',
  'after',
  'details',
  'hashAlg',
  'prevHash',
  'hash',
] as const;

function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Quote everything that needs it; prefix cells a spreadsheet would run as formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * Streams the filtered log, oldest first, as CSV (UTF-8 with BOM so Excel reads Chinese) or
 * JSON Lines. The export itself is recorded before the first byte leaves.
 */
export async function* exportAuditEvents(
  deps: AuditQueryDeps,
  ctx: RequestContext,
  filter: repo.AuditFilter,
  format: 'csv' | 'jsonl',
): AsyncGenerator<string> {
  authorize(ctx, 'audit.export');
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'audit.export',
    entityType: 'audit_log',
    details: { format, filter },
  });
  if (format === 'csv') yield `\uFEFF${CSV_COLUMNS.join(',')}\n`;
  let buffer = '';
  for await (const row of repo.iterateEvents(deps.db.kysely, filter)) {
    const e = toAuditEvent(row);
    buffer +=
      format === 'csv' ? `${CSV_COLUMNS.map((c) => csvCell(e[c])).join(',')}\n` : `${JSON.stringify(e)}\n`;
    if (buffer.length > 64 * 1024) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

export async function verifyAuditChain(deps: AuditQueryDeps, ctx: RequestContext): Promise<FullVerifyResult> {
  authorize(ctx, 'audit.verify');
  const result = await verifyTrail(deps);
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'audit.verify',
    entityType: 'audit_log',
    outcome: result.ok ? 'success' : 'failed',
    details: result,
  });
  return result;
}

/** PR-3: signs the chain's head now (besides the schedule), e.g. before an export or a backup. */
export async function checkpointNow(
  deps: AuditQueryDeps & { clock: Clock },
  ctx: RequestContext,
): Promise<Checkpoint> {
  authorize(ctx, 'audit.verify');
  const checkpoint = await writeCheckpoint(deps, { force: true });
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'audit.checkpoint',
    entityType: 'audit_log',
    details: {
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      keyId: checkpoint.keyId,
      store: deps.checkpoints.location,
      timeStampedAt: checkpoint.timeStamp?.genTime ?? null,
      ...(checkpoint.timeStampFailure && { timeStampFailure: checkpoint.timeStampFailure }),
    },
  });
  return checkpoint;
}
