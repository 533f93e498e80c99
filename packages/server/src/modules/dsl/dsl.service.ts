import { FIELDS, RULES } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { alreadyDone, assertDsl, invalidFields, notFound, refusal, refused } from '@releasegate/domain';
import type { Clock } from '@releasegate/domain';
import type { Db } from '../../db/database';
import type { RequestContext } from '../../context';
import type { AuditWriter } from '../audit';
import { authorize } from '../../authorize';
import { openPage, withTotal, type Page, type PageRequest } from '../../db/keyset';
import { BlobTooLargeError, isSha256Hex, type BlobStore } from '../../storage/blob-store';
import * as repo from './dsl.repository';
import { announcePendingVersion } from './dsl.notices';

export interface DslDeps {
  db: Db;
  clock: Clock;
  audit: AuditWriter;
  blobs: BlobStore;
  maxUploadBytes: number;
}

const label = (v: repo.DslVersion) => `${v.name} ${v.version}`;

async function load(deps: DslDeps, id: string) {
  const v = await repo.findVersion(deps.db.kysely, id);
  if (!v) throw notFound('dsl_version', id);
  return v;
}

export interface RegisterVersion {
  name: string;
  version: string;
  description?: string | null;
  source?: string | null;
  /** An external reference: where the artifact lives and its SHA-256; otherwise content is uploaded next. */
  external?: { url: string; digest: string; size?: number | null };
}

/** DS-1: registers a version; uploaded content follows with uploadContent, an external reference is complete at once. */
export async function registerVersion(
  deps: DslDeps,
  ctx: RequestContext,
  input: RegisterVersion,
): Promise<repo.DslVersion> {
  const principal = authorize(ctx, 'dsl.upload');
  if (input.external && !isSha256Hex(input.external.digest)) {
    throw invalidFields({ 'external.digest': [FIELDS.sha256] });
  }
  return deps.db.kysely.transaction().execute(async (trx) => {
    const existing = await repo.findByNameVersion(trx, input.name, input.version);
    if (existing) {
      throw refused(
        'conflict',
        {
          code:
            existing.state === 'approved' || existing.state === 'retired'
              ? 'dsl_version_never_overwritten'
              : 'dsl_version_registered',
          params: { label: label(existing), state: existing.state },
        },
        { existingId: existing.id, state: existing.state, fields: { version: [FIELDS.dsl_registered] } },
      );
    }
    const now = deps.clock.now().toISOString();
    const v: repo.DslVersion = {
      id: randomUUID(),
      name: input.name,
      version: input.version,
      description: input.description ?? null,
      source: input.source ?? null,
      kind: input.external ? 'external' : 'upload',
      externalUrl: input.external?.url ?? null,
      digest: input.external?.digest ?? null,
      size: input.external?.size ?? null,
      filename: null,
      mediaType: null,
      state: input.external ? 'pending' : 'draft',
      createdBy: principal.username,
      createdAt: now,
      updatedAt: now,
      decidedBy: null,
      decidedAt: null,
      decisionComment: null,
      retiredBy: null,
      retiredAt: null,
      retireReason: null,
    };
    await repo.insertVersion(trx, v);
    await deps.audit.record(trx, ctx, {
      action: 'dsl.version_register',
      entityType: 'dsl_version',
      entityId: v.id,
      after: v,
    });
    if (v.state === 'pending') await announcePendingVersion(trx, deps.clock, v, principal);
    return v;
  });
}

/**
 * Streams the content into the content-addressed store while hashing it. Over the size limit the
 * upload is refused and nothing is kept. Content of an approved version can never be replaced.
 */
export async function uploadContent(
  deps: DslDeps,
  ctx: RequestContext,
  id: string,
  body: Readable,
  meta: { filename?: string | null; mediaType?: string | null },
): Promise<repo.DslVersion> {
  const principal = authorize(ctx, 'dsl.upload');
  const before = await load(deps, id);
  if (before.kind === 'external')
    throw refusal('policy_violation', 'dsl_external_reference', {
      code: 'dsl_external_no_content',
      params: { label: label(before) },
    });
  assertDsl(before.state, 'upload_content', label(before));
  let stored;
  try {
    stored = await deps.blobs.put(body, deps.maxUploadBytes);
  } catch (error) {
    if (error instanceof BlobTooLargeError) {
      throw refusal(
        'too_large',
        'dsl_upload_size_limit',
        {
          code: 'dsl_upload_too_large',
          params: { mib: Math.round(deps.maxUploadBytes / 1048576), setting: 'DSL_MAX_UPLOAD_MB' },
        },
        { maxBytes: deps.maxUploadBytes },
      );
    }
    throw error;
  }
  const after: repo.DslVersion = {
    ...before,
    digest: stored.digest,
    size: stored.size,
    filename: meta.filename ?? null,
    mediaType: meta.mediaType ?? null,
    state: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.db.kysely.transaction().execute(async (trx) => {
    if (!(await repo.updateVersion(trx, after, before.state)))
      throw refused('conflict', { code: 'changed_while_uploading', params: { name: label(before) } });
    await deps.audit.record(trx, ctx, {
      action: 'dsl.content_upload',
      entityType: 'dsl_version',
      entityId: id,
      before,
      after,
    });
    // Replacing the content of a version already pending does not ask again.
    if (before.state !== 'pending') await announcePendingVersion(trx, deps.clock, after, principal);
  });
  if (before.digest && before.digest !== stored.digest) await removeIfUnreferenced(deps, before.digest);
  return after;
}

async function removeIfUnreferenced(deps: DslDeps, digest: string) {
  if ((await repo.findByDigest(deps.db.kysely, digest)).length === 0) await deps.blobs.remove(digest);
}

/**
 * DS-1: a version is decided (approved or rejected) once and retired once; whoever comes second
 * is told who did it and when (409).
 */
function assertNotDecided(v: repo.DslVersion, action: 'approve' | 'reject' | 'retire') {
  const done =
    action === 'retire'
      ? v.retiredAt && { action: 'retire' as const, by: v.retiredBy, at: v.retiredAt }
      : v.state !== 'pending' &&
        v.decidedAt && {
          action: v.state === 'rejected' ? ('reject' as const) : ('approve' as const),
          by: v.decidedBy,
          at: v.decidedAt,
        };
  if (done)
    throw alreadyDone(
      {
        code: 'dsl_already_decided',
        params: { label: label(v), done: done.action, by: done.by ?? '—', at: done.at },
      },
      { rule: action === 'retire' ? RULES.dsl_retired_once : RULES.dsl_one_review, ...done },
    );
}

async function transition(
  deps: DslDeps,
  ctx: RequestContext,
  id: string,
  action: 'approve' | 'reject' | 'retire',
  change: (v: repo.DslVersion, by: string, at: string) => repo.DslVersion,
): Promise<repo.DslVersion> {
  const principal = authorize(ctx, 'dsl.approve');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.lockVersion(trx, id);
    if (!before) throw notFound('dsl_version', id);
    assertNotDecided(before, action);
    assertDsl(before.state, action, label(before));
    if (action === 'approve' && before.createdBy === principal.username) {
      throw refusal('policy_violation', 'change_four_eyes', {
        code: 'dsl_registrar_cannot_approve',
        params: { user: principal.username, label: label(before) },
      });
    }
    const after = change(before, principal.username, deps.clock.now().toISOString());
    if (!(await repo.updateVersion(trx, after, before.state)))
      throw refused('conflict', { code: 'changed_meanwhile_reload', params: { name: label(before) } });
    await deps.audit.record(trx, ctx, {
      action: `dsl.version_${action}`,
      entityType: 'dsl_version',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export function approveVersion(deps: DslDeps, ctx: RequestContext, id: string, comment: string | null) {
  return transition(deps, ctx, id, 'approve', (v, by, at) => ({
    ...v,
    state: 'approved',
    decidedBy: by,
    decidedAt: at,
    decisionComment: comment,
    updatedAt: at,
  }));
}

export function rejectVersion(deps: DslDeps, ctx: RequestContext, id: string, comment: string) {
  return transition(deps, ctx, id, 'reject', (v, by, at) => ({
    ...v,
    state: 'rejected',
    decidedBy: by,
    decidedAt: at,
    decisionComment: comment,
    updatedAt: at,
  }));
}

/** DS-1: an approved version is retired (with its reason), never deleted. */
export function retireVersion(deps: DslDeps, ctx: RequestContext, id: string, reason: string) {
  return transition(deps, ctx, id, 'retire', (v, by, at) => ({
    ...v,
    state: 'retired',
    retiredBy: by,
    retiredAt: at,
    retireReason: reason,
    updatedAt: at,
  }));
}

export async function updateVersionInfo(
  deps: DslDeps,
  ctx: RequestContext,
  id: string,
  patch: { description?: string | null; source?: string | null },
) {
  authorize(ctx, 'dsl.upload');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findVersion(trx, id);
    if (!before) throw notFound('dsl_version', id);
    assertDsl(before.state, 'edit', label(before));
    const after = { ...before, ...patch, updatedAt: deps.clock.now().toISOString() };
    await repo.updateVersion(trx, after, before.state);
    await deps.audit.record(trx, ctx, {
      action: 'dsl.version_update',
      entityType: 'dsl_version',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/** Only versions never approved can be deleted; an approved or retired one is refused (DS-1). */
export async function deleteVersion(deps: DslDeps, ctx: RequestContext, id: string): Promise<void> {
  authorize(ctx, 'dsl.upload');
  const before = await deps.db.kysely.transaction().execute(async (trx) => {
    const v = await repo.findVersion(trx, id);
    if (!v) throw notFound('dsl_version', id);
    assertDsl(v.state, 'delete', label(v));
    await repo.deleteVersion(trx, id);
    await deps.audit.record(trx, ctx, {
      action: 'dsl.version_delete',
      entityType: 'dsl_version',
      entityId: id,
      before: v,
    });
    return v;
  });
  if (before.kind === 'upload' && before.digest) await removeIfUnreferenced(deps, before.digest);
}

/** A page of the library's versions (keyset), with how many match the filter. */
export async function listVersions(
  deps: DslDeps,
  ctx: RequestContext,
  filter: repo.DslFilter,
  page: PageRequest<repo.DslSort>,
): Promise<Page<repo.DslVersion>> {
  authorize(ctx, 'dsl.read');
  const position = openPage(page, filter, repo.dslKeys(page.sort));
  const q = deps.db.kysely;
  return withTotal(repo.pageVersions(q, filter, position), repo.countVersions(q, filter));
}

export async function getVersion(deps: DslDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'dsl.read');
  return load(deps, id);
}

/** DS-3: re-hashes one version's stored content now (the UI checks before a large download). */
export async function verifyVersion(
  deps: DslDeps,
  ctx: RequestContext,
  id: string,
): Promise<{ ok: boolean; digest: string | null; actual: string | null }> {
  authorize(ctx, 'dsl.read');
  const v = await load(deps, id);
  if (v.kind === 'external' || !v.digest)
    return { ok: v.kind === 'external', digest: v.digest, actual: null };
  const actual = await deps.blobs.rehash(v.digest);
  return { ok: actual === v.digest, digest: v.digest, actual };
}

/**
 * Download: the stored bytes are re-hashed first; if they no longer match the recorded digest
 * the download is refused (the file was altered on disk) instead of handing out a wrong artifact.
 */
export async function openContent(
  deps: DslDeps,
  ctx: RequestContext,
  id: string,
): Promise<{ version: repo.DslVersion; stream: Readable }> {
  authorize(ctx, 'dsl.read');
  const v = await load(deps, id);
  if (v.kind === 'external')
    throw refusal(
      'policy_violation',
      'dsl_external_reference',
      {
        code: 'dsl_external_fetch',
        params: { label: label(v), url: v.externalUrl ?? '', digest: v.digest ?? '' },
      },
      { url: v.externalUrl, digest: v.digest },
    );
  assertDsl(v.state, 'download', label(v));
  const actual = await deps.blobs.rehash(v.digest!);
  if (actual !== v.digest) {
    throw refusal(
      'conflict',
      'blob_integrity',
      { code: actual === null ? 'dsl_content_missing' : 'dsl_content_altered', params: { label: label(v) } },
      { expected: v.digest, actual },
    );
  }
  return { version: v, stream: deps.blobs.open(v.digest!) };
}
