import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { notFound } from '@releasegate/domain';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import type { Db } from '../../db/database';
import { recordStandalone, type AuditWriter } from '../audit';
import { findBaseline, findCisByIds, listTypes } from '../cmdb';
import { authorize } from '../../authorize';
import { plansOf, type PlanVersion } from '../plans';
import { findPolicy } from '../policy';
import { findRelease, type Release } from '../releases';
import { listPeople } from '../identity';
import { renderDocx } from './document.docx';
import { evidenceOf } from './evidence.data';
import { cjkFont } from './document.font';
import type { DocLang, DocModel } from './document.model';
import { renderPdf } from './document.pdf';
import { planDocument, type PlanDocumentInput } from './plan.document';
import type { ReleaseReportData } from './report.data';
import { reportDocument } from './report.document';

export { DOCUMENT_FORMATS, type DocumentFormat } from './document.formats';
import type { DocumentFormat } from './document.formats';

export const CONTENT_TYPES: Record<DocumentFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pdf: 'application/pdf',
};

export interface DocumentDeps {
  db: Db;
  audit: AuditWriter;
  /** PDF_FONT_PATH; undefined: the system's CJK fonts, then the bundled one (document.font.ts). */
  pdfFontPath: string | undefined;
}

/** A rendered document: the bytes and what to call them (a Chinese name and an ASCII fallback). */
export interface DocumentFile {
  bytes: Buffer;
  contentType: string;
  filename: string;
  asciiFilename: string;
}

export function render(model: DocModel, format: DocumentFormat, pdfFontPath: string | undefined) {
  return format === 'docx' ? renderDocx(model) : renderPdf(model, cjkFont(pdfFontPath));
}

const NAMES = {
  plan: { zh: '发布计划', en: 'Release-Plan', ascii: 'release-plan' },
  report: { zh: '发布变更报告', en: 'Release-Report', ascii: 'release-report' },
};

function file(
  bytes: Buffer,
  kind: keyof typeof NAMES,
  stem: string,
  format: DocumentFormat,
  lang: DocLang,
): DocumentFile {
  return {
    bytes,
    contentType: CONTENT_TYPES[format],
    filename: `${NAMES[kind][lang]}-${stem}.${format}`,
    asciiFilename: `${NAMES[kind].ascii}-${stem}.${format}`,
  };
}

/** CL-2: 《发布变更报告》 from the data the close action gathers (it archives and audits it). */
export async function renderReport(
  data: ReleaseReportData,
  format: DocumentFormat,
  options: { pdfFontPath?: string | undefined; lang?: DocLang } = {},
): Promise<DocumentFile> {
  const lang = options.lang ?? 'zh';
  const bytes = await render(reportDocument(data, lang), format, options.pdfFontPath);
  return file(bytes, 'report', data.summary.number, format, lang);
}

/** PL-4: 《发布计划》 of one plan version, as DOCX or PDF; every export is audited. */
export async function exportPlanDocument(
  deps: DocumentDeps,
  ctx: RequestContext,
  releaseId: string,
  version: number,
  format: DocumentFormat,
  lang: DocLang = 'zh',
): Promise<DocumentFile> {
  authorize(ctx, 'release.read');
  const q = deps.db.kysely;
  const release = await findRelease(q, releaseId);
  if (!release) throw notFound('release', releaseId);
  const plan = (await plansOf(q, release.id)).find((p) => p.version === version);
  if (!plan) throw notFound('plan_version', `${release.number} v${version}`);
  const bytes = await renderPlan(q, deps.pdfFontPath, release, plan, format, lang);
  await recordStandalone(deps.db, deps.audit, ctx, {
    action: 'document.export',
    entityType: 'release',
    entityId: release.id,
    details: {
      document: 'release_plan',
      number: release.number,
      planVersion: plan.version,
      planStatus: plan.status,
      format,
      lang,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
  });
  return file(bytes, 'plan', `${release.number}-v${plan.version}`, format, lang);
}

/** 《发布计划》 of one plan version as bytes, read in the caller's transaction (the archive uses it too). */
export async function renderPlan(
  q: Kysely<Database>,
  pdfFontPath: string | undefined,
  release: Release,
  plan: PlanVersion,
  format: DocumentFormat,
  lang: DocLang = 'zh',
): Promise<Buffer> {
  const policy = (await findPolicy(q, release.policyVersionId))?.document;
  const content = plan.content;
  const ciIds = [
    ...new Set([...(content.scope?.ciIds ?? []), ...(content.baseline?.targets ?? []).map((t) => t.ciId)]),
  ];
  const typeNames = new Map((await listTypes(q)).map((t) => [t.key, t.name[lang]]));
  const cis: PlanDocumentInput['cis'] = new Map(
    (await findCisByIds(q, ciIds)).map((ci) => [
      ci.id,
      {
        name: ci.name,
        type: typeNames.get(ci.type) ?? ci.type,
        environment: ci.environment,
        critical: ci.critical,
      },
    ]),
  );
  const baselineId = content.baseline?.baselineId;
  const names = new Map((await listPeople(q)).map((p) => [p.username, p.displayName]));
  const person = (u: string | null | undefined) => (u ? (names.get(u) ?? u) : null);
  const rules = policy?.rules;
  const evidence = rules ? await evidenceOf(q, release, rules, { plan, person }) : undefined;
  const model = planDocument(
    {
      release,
      policy: policy ?? { number: '', title: '', version: '' },
      plan,
      cis,
      baselineName: baselineId ? ((await findBaseline(q, baselineId))?.name ?? null) : null,
      evidence,
    },
    lang,
  );
  return render(model, format, pdfFontPath);
}
