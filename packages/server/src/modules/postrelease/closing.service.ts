import { RULES, FIELDS } from '@releasegate/messages';
import { createHash } from 'node:crypto';
import { buffer } from 'node:stream/consumers';
import {
  checkTimeStamp,
  checkpointText,
  writeCheckpoint,
  type Checkpoint,
  publicKeyInfo,
  verifySignature,
  recordStandalone,
} from '../audit';
import type { Certificate } from 'pkijs';
import JSZip from 'jszip';
import type { Kysely } from 'kysely';
import { notFound, refusal } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { renderPlan, renderReport, type DocumentFile, type DocumentFormat } from '../documents';
import {
  type ReleaseDeps,
  findRelease,
  lockRelease,
  publishChange,
  type Release,
  rulesOf,
  runAction,
  type OneShot,
} from '../releases';
import { enqueueJob } from '../../jobs/job.repository';
import type { LeasedJob } from '../../jobs/job.runner';
import { systemContext } from '../../context';
import { commentsOf, plansOf } from '../plans';
import { checksOf } from '../verification';
import { stepRunsOf } from '../execution';
import { feedbackOf, readingsOf, searchLogs } from '../monitoring';
import { problemsOf, restorationChecksOf, triggersOf } from '../rollback';
import * as repo from './postrelease.repository';
import { SEAL_ARCHIVE_JOB, sealArchiveJobKey, storeFile } from './postrelease.service';
import { assembleReport } from './report.assemble';

/** What this file's functions use of the release workflow's dependencies. */
export type ClosingDeps = Pick<
  ReleaseDeps,
  | 'audit'
  | 'blobs'
  | 'changeApprovals'
  | 'checkpoints'
  | 'clock'
  | 'db'
  | 'events'
  | 'graph'
  | 'pdfFontPath'
  | 'signer'
  | 'timeStamper'
>;

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
const JSON_TYPE = 'application/json';

/**
 * PO-3: gathers what the policy archives with a release — every decided plan version as
 * 《发布计划》, the checklists, evidence files, step records, logs, monitoring, rollback and
 * approvals — into the blob store, and answers the archive's entries; it writes nothing to the
 * database. A decided plan version never changes, so its 《发布计划》 already in the archive is
 * kept, not rendered again (archiving again costs no PDF).
 */
async function gatherArchive(q: Kysely<Database>, deps: ClosingDeps, release: Release) {
  const items: Omit<repo.ArchiveItem, 'seq'>[] = [];
  const add = async (bytes: Buffer, kind: string, name: string, mediaType = JSON_TYPE) =>
    items.push(await storeFile(deps, bytes, { kind, name, mediaType }));
  const archived = new Map(
    (await repo.archiveItemsOf(q, release.id)).filter((i) => i.kind === 'plan').map((i) => [i.name, i]),
  );
  const plans = await plansOf(q, release.id);
  for (const plan of plans.filter((p) => p.status === 'approved' || p.status === 'superseded')) {
    const name = `发布计划-${release.number}-v${plan.version}.pdf`;
    const kept = archived.get(name);
    if (kept) {
      const { seq: _seq, ...entry } = kept;
      items.push(entry);
    } else
      await add(await renderPlan(q, deps.pdfFontPath, release, plan, 'pdf'), 'plan', name, 'application/pdf');
  }
  const approvals = [];
  for (const p of plans)
    approvals.push({
      version: p.version,
      status: p.status,
      drafter: p.drafterName,
      submittedAt: p.submittedAt,
      decidedBy: p.decidedBy,
      decidedAt: p.decidedAt,
      decisionComment: p.decisionComment,
      comments: await commentsOf(q, p.id),
    });
  await add(json(approvals), 'approvals', 'approvals.json');
  const checks = [];
  for (const p of plans) checks.push(...(await checksOf(q, release.id, p.version)));
  const verifications = await repo.verificationsOf(q, release.id);
  await add(json({ preRelease: checks, postRelease: verifications }), 'checklists', 'checklists.json');
  await add(json(await stepRunsOf(q, release.id)), 'steps', 'steps.json');
  const logs = await searchLogs(q, release.id, { limit: 1_000_000 });
  await add(
    Buffer.from(logs.map((l) => JSON.stringify(l)).join('\n')),
    'logs',
    'logs.jsonl',
    'application/x-ndjson',
  );
  await add(
    json({
      readings: await readingsOf(q, release.id, 1_000_000),
      feedback: await feedbackOf(q, release.id),
    }),
    'monitoring',
    'monitoring.json',
  );
  await add(
    json({
      triggers: await triggersOf(q, release.id),
      restorationChecks: await restorationChecksOf(q, release.id),
      problems: await problemsOf(q, release.id),
    }),
    'rollback',
    'rollback.json',
  );
  const now = deps.clock.now().toISOString();
  const evidence = new Map<string, string | null>();
  for (const c of [...checks, ...verifications])
    if (c.evidence) evidence.set(c.evidence.digest, c.evidence.filename);
  for (const [digest, filename] of evidence)
    items.push({
      kind: 'evidence',
      name: `evidence/${digest.slice(0, 12)}-${filename ?? 'file'}`,
      digest,
      size: (await deps.blobs.size(digest)) ?? 0,
      mediaType: 'application/octet-stream',
      addedAt: now,
    });
  return items;
}

/** Replaces the release's archive (until it is sealed) with these entries. */
async function saveArchiveItems(
  trx: Kysely<Database>,
  releaseId: string,
  items: Omit<repo.ArchiveItem, 'seq'>[],
  archive: repo.Archive,
) {
  await repo.deleteArchiveItems(trx, releaseId);
  await repo.insertArchiveItems(trx, releaseId, items);
  await repo.saveArchive(trx, releaseId, archive);
}

/**
 * PO-3: archives the release's documents and evidence — again if something was recorded since.
 * When the archive is the last thing that happened to the release, archiving again would gather
 * the same record: refused naming who archived and when (two people archiving at once on two
 * nodes: one archive, one refusal).
 */
export async function archiveRelease(deps: ClosingDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const upToDate: OneShot = async (trx, release) => {
    const archive = await repo.findArchive(trx, release.id);
    const last = await repo.latestReleaseEvent(trx, release.id);
    return archive && last?.action === 'release.archive'
      ? {
          rule: RULES.archive,
          action: 'archive',
          by: archive.archivedBy,
          at: archive.archivedAt,
        }
      : undefined;
  };
  return runAction(
    deps,
    ctx,
    id,
    'archive',
    async (trx, release, principal) => {
      const items = await gatherArchive(trx, deps, release);
      await saveArchiveItems(trx, release.id, items, {
        archivedAt: deps.clock.now().toISOString(),
        archivedBy: principal.displayName || principal.username,
        sealedAt: null,
      });
      return {
        release,
        details: { files: items.map((i) => ({ name: i.name, sha256: i.digest, size: i.size })) },
      };
    },
    upToDate,
  );
}

const CLOSE_ACTIONS = {
  successful: 'close_successful',
  failed: 'close_failed',
  rolled_back: 'close_rolled_back',
} as const;

/**
 * CL-1, CL-2: the operations manager closes with the outcome. The closure is recorded at once;
 * 《发布变更报告》 (DOCX and PDF) is generated, archived with the rest, and the archive sealed by a
 * job after the commit (sealArchiveJob) — a close costs no rendering, and a renderer failing
 * never loses a close: the job tries again, and the release shows the sealing still to come.
 */
export async function closeRelease(
  deps: ClosingDeps,
  ctx: RequestContext,
  id: string,
  input: { outcome: keyof typeof CLOSE_ACTIONS; analysis?: string | null; lessons?: string | null },
) {
  return runAction(deps, ctx, id, CLOSE_ACTIONS[input.outcome], async (trx, release, principal, at) => {
    // After the lifecycle's own check (which names CL-1): an API token also needs the scope.
    authorize(ctx, 'release.close');
    // KP-1: an unsuccessful outcome lowers the success rate for good; it is recorded with why.
    if (input.outcome !== 'successful' && !input.analysis?.trim())
      throw refusal(
        'invalid_input',
        'close_needs_reason',
        { code: 'close_needs_analysis', params: { release: release.number, outcome: input.outcome } },
        { fields: { analysis: [FIELDS.analysis_required] } },
      );
    await recordClosure(trx, deps, release, {
      outcome: input.outcome,
      analysis: input.analysis?.trim() || null,
      lessons: input.lessons?.trim() || null,
      closedBy: principal.displayName || principal.username,
      closedAt: at,
    });
    // The closure is its own record: the release keeps its intake decision (who accepted it, and why).
    return { release, details: { outcome: input.outcome } };
  });
}

/**
 * CL-1, CL-2, PO-3: whatever closes a release (the manager's close, a failed rollback) records the
 * closure and, in the same transaction, queues the job that archives what was not archived yet,
 * generates 《发布变更报告》 (DOCX and PDF) into the archive and seals it.
 */
export async function recordClosure(
  trx: Kysely<Database>,
  deps: Pick<ClosingDeps, 'clock'>,
  release: Release,
  closure: repo.Closure & { outcome: 'successful' | 'failed' | 'rolled_back' },
) {
  await repo.insertClosure(trx, release.id, closure);
  await enqueueJob(trx, {
    kind: SEAL_ARCHIVE_JOB,
    key: sealArchiveJobKey(release.id),
    dueAt: deps.clock.now().toISOString(),
    payload: { releaseId: release.id },
  });
}

/**
 * CL-2, PO-3: the sealing job. Outside any transaction it gathers the archive (when none was made
 * before the close) and renders the report — a closed release's record no longer changes — then,
 * in one short transaction, stores the entries, seals the archive and records
 * `release.seal_archive` with the report's digests. A sealed archive is left alone (the job run
 * twice, or on two nodes, seals once); a failure is retried with backoff.
 */
export function sealArchiveJob(deps: ClosingDeps) {
  return {
    maxAttempts: 20,
    external: async (job: LeasedJob) => {
      const releaseId = String(job.payload.releaseId);
      const q = deps.db.kysely;
      const release = await findRelease(q, releaseId);
      const closure = release && (await repo.findClosure(q, releaseId));
      const archived = release && closure && (await repo.findArchive(q, releaseId));
      if (!release || !closure || archived?.sealedAt) return;
      const gathered = archived ? null : await gatherArchive(q, deps, release);
      // The release's outcome is the closure's (set by the same close).
      const data = await assembleReport(q, release, await rulesOf(q, release), {
        ...closure,
        outcome: release.outcome,
      });
      const report: Omit<repo.ArchiveItem, 'seq'>[] = [];
      for (const format of ['docx', 'pdf'] as const) {
        const file = await renderReport(data, format, { pdfFontPath: deps.pdfFontPath });
        report.push(
          await storeFile(deps, file.bytes, {
            kind: 'report',
            name: file.filename,
            mediaType: file.contentType,
          }),
        );
      }
      const sealed = await deps.db.kysely.transaction().execute(async (trx) => {
        await lockRelease(trx, releaseId);
        const current = await repo.findArchive(trx, releaseId);
        if (current?.sealedAt) return false;
        const now = deps.clock.now().toISOString();
        const archive = current ?? { archivedAt: now, archivedBy: closure.closedBy, sealedAt: null };
        if (!current && gathered) await saveArchiveItems(trx, releaseId, gathered, archive);
        await repo.insertArchiveItems(trx, releaseId, report);
        await repo.saveArchive(trx, releaseId, { ...archive, sealedAt: now });
        await deps.audit.record(trx, systemContext(`job:${job.id}`), {
          action: 'release.seal_archive',
          entityType: 'release',
          entityId: releaseId,
          details: { report: report.map((r) => ({ name: r.name, sha256: r.digest })) },
        });
        return true;
      });
      if (sealed) await publishChange(deps, release, 'seal_archive');
    },
  };
}

/** CL-2: the archived report of a closed release, or a draft made from the record so far. */
export async function reportDocument(
  deps: ClosingDeps,
  ctx: RequestContext,
  id: string,
  format: DocumentFormat,
): Promise<DocumentFile & { draft: boolean }> {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const archived = (await repo.archiveItemsOf(q, release.id)).find(
    (i) => i.kind === 'report' && i.name.endsWith(`.${format}`),
  );
  if (archived) {
    const bytes = await buffer(deps.blobs.open(archived.digest));
    return {
      bytes,
      contentType: archived.mediaType,
      filename: archived.name,
      asciiFilename: `release-report-${release.number}.${format}`,
      draft: false,
    };
  }
  const closure = await repo.findClosure(q, release.id);
  const data = await assembleReport(q, release, await rulesOf(q, release), {
    outcome: release.outcome,
    closedBy: closure?.closedBy ?? null,
    closedAt: closure?.closedAt ?? null,
    analysis: closure?.analysis ?? null,
    lessons: closure?.lessons ?? null,
  });
  const file = await renderReport(data, format, { pdfFontPath: deps.pdfFontPath });
  return { ...file, filename: file.filename.replace(/(\.\w+)$/, '-草稿$1'), draft: true };
}

export const MANIFEST = 'manifest.json';
/** The signature of manifest.json's exact bytes: { algorithm, keyId, signature }. */
export const MANIFEST_SIGNATURE = 'manifest.sig.json';
/** The signer's public key, for convenience: only a key the verifier trusts proves origin. */
export const PUBLIC_KEY = 'public-key.pem';

/**
 * PO-3: the whole record as one ZIP: the archived documents and evidence, the release's audit
 * events, and a manifest of SHA-256 digests, signed with the audit key and citing a signed
 * checkpoint of the audit chain taken now, so that `releasegate evidence verify --public-key`
 * proves offline that nothing was changed after export — not even the manifest.
 */
export async function evidencePackage(deps: ClosingDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, id);
  if (!release) throw notFound('release', id);
  const items = await repo.archiveItemsOf(q, release.id);
  const zip = new JSZip();
  const files: { path: string; sha256: string; size: number; kind: string }[] = [];
  for (const item of items) {
    const bytes = await buffer(deps.blobs.open(item.digest));
    const path = item.kind === 'evidence' ? item.name : `documents/${item.name}`;
    zip.file(path, bytes);
    files.push({
      path,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      kind: item.kind,
    });
  }
  const events = await repo.releaseEvents(q, release.id);
  const audit = Buffer.from(events.map((e) => JSON.stringify(e)).join('\n'));
  zip.file('audit-events.jsonl', audit);
  files.push({
    path: 'audit-events.jsonl',
    sha256: createHash('sha256').update(audit).digest('hex'),
    size: audit.length,
    kind: 'audit',
  });
  const archive = await repo.findArchive(q, release.id);
  const checkpoint = await writeCheckpoint(deps);
  const manifest = {
    release: release.number,
    title: release.title,
    state: release.state,
    outcome: release.outcome,
    archivedAt: archive?.archivedAt ?? null,
    sealedAt: archive?.sealedAt ?? null,
    generatedAt: deps.clock.now().toISOString(),
    algorithm: 'sha256',
    files,
    // PR-3: the audit chain's head when the package was made, signed; `audit verify` on the
    // server shows the chain still holds it.
    auditCheckpoint: checkpoint,
  };
  const manifestText = json(manifest).toString('utf8');
  zip.file(MANIFEST, manifestText);
  zip.file(
    MANIFEST_SIGNATURE,
    json({
      algorithm: deps.signer.publicKey.algorithm,
      keyId: deps.signer.publicKey.keyId,
      signature: deps.signer.sign(manifestText),
    }),
  );
  zip.file(PUBLIC_KEY, deps.signer.publicKey.pem);
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'release.evidence_package',
    entityType: 'release',
    entityId: release.id,
    details: { files: files.length, sha256: createHash('sha256').update(bytes).digest('hex') },
  });
  return { bytes, filename: `证据包-${release.number}.zip`, asciiFilename: `evidence-${release.number}.zip` };
}

export interface EvidenceVerification {
  ok: boolean;
  problems: string[];
  checked: number;
  /** Whose signature the manifest carries, and whether it was checked with a trusted key. */
  signature: { keyId: string | null; valid: boolean; trusted: boolean };
  auditCheckpoint: {
    seq: number;
    at: string;
    valid: boolean;
    /** The RFC 3161 time the checkpoint was stamped with, when it was and the token verifies. */
    timeStampedAt: string | null;
  } | null;
}

/**
 * PO-3: re-hashes every file of an evidence package against its manifest, and checks the
 * manifest's signature and the audit checkpoint it cites. With the public keys the verifier
 * trusts (kept apart from the package) a valid signature proves who made the package; without,
 * the key inside the package is used and proves only that it is internally consistent.
 */
export async function verifyEvidencePackage(
  bytes: Buffer,
  trustedPublicKeys: readonly { keyId: string; pem: string }[] = [],
  tsaTrustAnchors: readonly Certificate[] = [],
): Promise<EvidenceVerification> {
  const zip = await JSZip.loadAsync(bytes);
  const manifestFile = zip.file(MANIFEST);
  const unsigned = { keyId: null, valid: false, trusted: false };
  if (!manifestFile)
    return {
      ok: false,
      problems: [`${MANIFEST} is missing`],
      checked: 0,
      signature: unsigned,
      auditCheckpoint: null,
    };
  const manifestText = await manifestFile.async('string');
  const manifest = JSON.parse(manifestText) as {
    files: { path: string; sha256: string }[];
    auditCheckpoint?: Checkpoint;
  };
  const problems: string[] = [];
  const listed = new Set([...manifest.files.map((f) => f.path), MANIFEST, MANIFEST_SIGNATURE, PUBLIC_KEY]);
  for (const f of manifest.files) {
    const entry = zip.file(f.path);
    if (!entry) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    const digest = createHash('sha256')
      .update(await entry.async('nodebuffer'))
      .digest('hex');
    if (digest !== f.sha256)
      problems.push(`${f.path}: SHA-256 ${digest} does not match the manifest's ${f.sha256}`);
  }
  zip.forEach((path, entry) => {
    if (!entry.dir && !listed.has(path)) problems.push(`${path}: not in the manifest`);
  });

  const signed = zip.file(MANIFEST_SIGNATURE);
  const embedded = zip.file(PUBLIC_KEY);
  const keys = trustedPublicKeys.length
    ? trustedPublicKeys
    : embedded
      ? [publicKeyInfo(await embedded.async('string'))]
      : [];
  const keyOf = (keyId: string) => keys.find((k) => k.keyId === keyId);
  let signature: EvidenceVerification['signature'] = unsigned;
  if (!signed) problems.push(`${MANIFEST_SIGNATURE}: missing: the manifest is not signed`);
  else {
    const s = JSON.parse(await signed.async('string')) as { keyId: string; signature: string };
    const key = keyOf(s.keyId);
    const valid = key !== undefined && verifySignature(key.pem, manifestText, s.signature);
    signature = { keyId: s.keyId, valid, trusted: valid && trustedPublicKeys.length > 0 };
    if (!key) problems.push(`${MANIFEST}: signed by key ${s.keyId}, which is not trusted`);
    else if (!valid) problems.push(`${MANIFEST}: the signature does not match: the manifest was altered`);
  }
  let auditCheckpoint: EvidenceVerification['auditCheckpoint'] = null;
  const c = manifest.auditCheckpoint;
  if (!c) problems.push(`${MANIFEST}: cites no audit checkpoint`);
  else {
    const key = keyOf(c.keyId);
    const valid = key !== undefined && verifySignature(key.pem, checkpointText(c), c.signature);
    const stampProblem = await checkTimeStamp(c, tsaTrustAnchors);
    const timeStampedAt = c.timeStamp && !stampProblem ? c.timeStamp.genTime : null;
    auditCheckpoint = { seq: c.seq, at: c.at, valid, timeStampedAt };
    if (!valid)
      problems.push(`${MANIFEST}: the audit checkpoint it cites (event #${c.seq}) is not validly signed`);
    if (stampProblem) problems.push(`${MANIFEST}: ${stampProblem.message}`);
  }
  return { ok: problems.length === 0, problems, checked: manifest.files.length, signature, auditCheckpoint };
}
