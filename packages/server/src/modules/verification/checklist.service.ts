import { FIELDS } from '@releasegate/messages';
import type { Readable } from 'node:stream';
import { notFound, refusal, refused } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { BlobTooLargeError } from '../../storage/blob-store';
import { type ReleaseDeps, findRelease, rulesOf, runAction } from '../releases';
import * as repo from './checklist.repository';
import { approvedPlanVersion, checklistState } from './checklist.state';

/** What this file's functions use of the release workflow's dependencies. */
export type ChecklistDeps = Pick<
  ReleaseDeps,
  'audit' | 'blobs' | 'changeApprovals' | 'clock' | 'db' | 'events' | 'graph' | 'maxUploadBytes'
>;

export async function getChecklist(deps: ChecklistDeps, ctx: RequestContext, releaseId: string) {
  authorize(ctx, 'release.read');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  return checklistState(deps.db.kysely, release, await rulesOf(deps.db.kysely, release));
}

/**
 * IM-1, PR-2: records one pre-release check with its result, evidence and actor. When every
 * item of the policy's checklist has passed, the release is ready; a later failure makes it
 * approved (not ready) again.
 */
export async function recordCheck(
  deps: ChecklistDeps,
  ctx: RequestContext,
  releaseId: string,
  itemKey: string,
  input: {
    result: 'passed' | 'failed';
    note?: string | null;
    link?: string | null;
    evidence?: { digest: string; filename?: string | null } | null;
  },
) {
  return runAction(deps, ctx, releaseId, 'record_check', async (trx, release, principal) => {
    const rules = await rulesOf(trx, release);
    const item = rules.preReleaseChecks.find((i) => i.key === itemKey);
    if (!item)
      throw refused(
        'invalid_input',
        {
          code: 'unknown_check_item',
          params: { item: itemKey, items: rules.preReleaseChecks.map((i) => i.key) },
        },
        { fields: { item: [FIELDS.unknown] } },
      );
    if (input.result === 'passed' && !input.note?.trim() && !input.link && !input.evidence) {
      throw refusal(
        'policy_violation',
        'check_evidence',
        { code: 'evidence_required', params: { label: item.label.zh, item: item.key } },
        { fields: { note: [FIELDS.give_evidence] } },
      );
    }
    if (input.evidence && !(await deps.blobs.has(input.evidence.digest)))
      throw notFound('evidence_file', input.evidence.digest);
    const version = (await approvedPlanVersion(trx, release.id))!;
    await repo.insertCheck(trx, release.id, {
      planVersion: version,
      itemKey,
      result: input.result,
      note: input.note ?? null,
      link: input.link ?? null,
      evidence: input.evidence
        ? { digest: input.evidence.digest, filename: input.evidence.filename ?? null }
        : null,
      actorId: principal.userId,
      actorName: principal.displayName || principal.username,
      at: deps.clock.now().toISOString(),
    });
    const { pending } = await checklistState(trx, release, rules);
    return {
      release,
      state: pending.length === 0 ? 'ready' : 'approved',
      details: { item: itemKey, result: input.result, pending },
    };
  });
}

/** Evidence files are kept in the content-addressed store; the check refers to the digest. */
export async function uploadEvidence(
  deps: ChecklistDeps,
  ctx: RequestContext,
  releaseId: string,
  body: Readable,
  filename: string | null,
) {
  authorize(ctx, 'release.implement');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  try {
    const stored = await deps.blobs.put(body, deps.maxUploadBytes);
    await deps.db.kysely.transaction().execute((trx) =>
      deps.audit.record(trx, ctx, {
        action: 'release.evidence_upload',
        entityType: 'release',
        entityId: release.id,
        details: { ...stored, filename },
      }),
    );
    return { ...stored, filename };
  } catch (error) {
    if (error instanceof BlobTooLargeError)
      throw refusal('too_large', 'upload_size_limit', {
        code: 'file_too_large',
        params: { mib: Math.round(deps.maxUploadBytes / 1048576) },
      });
    throw error;
  }
}

/**
 * IM-1, PO-1: an evidence file cited by one of the release's checks or verifications, re-hashed
 * before it is handed out (a file altered on disk is refused, not served).
 */
export async function openEvidence(
  deps: ChecklistDeps,
  ctx: RequestContext,
  releaseId: string,
  digest: string,
) {
  authorize(ctx, 'release.read');
  const release = await findRelease(deps.db.kysely, releaseId);
  if (!release) throw notFound('release', releaseId);
  const cited = await repo.evidenceCitation(deps.db.kysely, release.id, digest);
  if (!cited) throw notFound('evidence_file', digest);
  if ((await deps.blobs.rehash(digest)) !== digest)
    throw refusal('conflict', 'archive_integrity', { code: 'evidence_altered', params: { digest } });
  return {
    filename: cited.filename ?? digest,
    size: (await deps.blobs.size(digest)) ?? 0,
    stream: deps.blobs.open(digest),
  };
}
