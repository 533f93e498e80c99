import { PLAN_SECTIONS, PLAN_SECTION_LABELS } from '@releasegate/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { approvedChange, ci, completePlan, signInRoles } from '../../test/releases';
import { startTestApp, type HttpClient, type TestApp } from '../../test/test-app';
import { docxText, inspectPdf } from './document.inspect';

/**
 * PL-4: the plan exports as 《发布计划》, DOCX and PDF, with Chinese text that a person can read:
 * the DOCX is opened and its text checked; the PDF is rendered to an image and its text extracted
 * (which only works when the embedded CJK font maps the glyphs back to characters).
 */
describe.each(DIALECTS)('the plan document on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let id: string;
  let number: string;

  beforeAll(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
    const core = await ci(c.cfg, 'database', '核心账务数据库', { critical: true });
    const change = await approvedChange(c, '核心账务系统升级', [core.id]);
    const requested = await c.eng1.post('/api/releases', {
      title: '核心账务系统升级发布',
      changeIds: [change.id],
      targetCiIds: [core.id],
      urgency: 'normal',
      rollbackDifficulty: 'moderate',
      newTechnology: false,
    });
    expect(requested.status, JSON.stringify(requested.body)).toBe(201);
    ({ id, number } = requested.body);
    // RO-4: accepted by someone other than its requester (four eyes at intake).
    const accepted = await c.eng2.post(`/api/releases/${id}/accept`, { note: '已受理' });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const steps: [string, string, unknown?][] = [
      ['POST', `/api/releases/${id}/classify`, { type: 'major' }],
      ['PUT', `/api/releases/${id}/plan`, completePlan([core.id])],
      ['POST', `/api/releases/${id}/plan/submit`],
    ];
    for (const [method, path, body] of steps) {
      const r = await c.eng1.request(method, path, body);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    const approved = await c.boss.post(`/api/releases/${id}/plan/approve`, { comment: '同意实施' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  /** The document as bytes, with the session of `who` (the JSON client would decode it as text). */
  async function download(who: HttpClient | null, path: string) {
    const session = who?.cookie('rg_session');
    const r = await fetch(t.url + path, { headers: session ? { cookie: `rg_session=${session}` } : {} });
    return { status: r.status, headers: r.headers, bytes: Buffer.from(await r.arrayBuffer()) };
  }
  const sectionHeadings = PLAN_SECTIONS.map((s) => PLAN_SECTION_LABELS[s].zh);

  it('PL-4 DOCX: 《发布计划》 with the release number, every section heading, CI names and steps, named in Chinese', async () => {
    const r = await download(c.eng2, `/api/releases/${id}/plans/1/document?format=docx`);
    expect(r.status, r.bytes.toString()).toBe(200);
    expect(r.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const filename = `发布计划-${number}-v1.docx`;
    expect(r.headers.get('content-disposition')).toBe(
      `attachment; filename="release-plan-${number}-v1.docx"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );

    const { body, header, footer } = await docxText(r.bytes);
    expect(body).toContain('发布计划');
    expect(body).toContain(number);
    expect(body).toContain('核心账务系统升级发布');
    for (const heading of sectionHeadings) expect(body).toContain(heading);
    // The scope names the CI (not its id), steps and rollback keep their words, the approval is shown.
    for (const text of [
      '核心账务数据库',
      '停止服务',
      '部署新版本',
      '回滚到 2.0',
      '交易失败率',
      '重大发布',
      '已批准',
      'boss',
      '同意实施',
    ])
      expect(body).toContain(text);
    expect(header).toContain('XDYJ-06-01');
    expect(header).toContain(number);
    expect(footer).toMatch(/第.*页/);

    const audit = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['actor_name', 'details_json'])
      .where('action', '=', 'document.export')
      .where('entity_id', '=', id)
      .execute();
    expect(audit.some((a) => a.actor_name === 'eng2' && JSON.parse(a.details_json!).format === 'docx')).toBe(
      true,
    );
  });

  it('PL-4 PDF: page 1 renders with ink on it, and the text extracts as Chinese from an embedded, subset CJK font', async () => {
    const r = await download(c.eng2, `/api/releases/${id}/plans/1/document?format=pdf`);
    expect(r.status, r.bytes.toString()).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent(`发布计划-${number}-v1.pdf`)}`,
    );
    expect(r.bytes.subarray(0, 5).toString()).toBe('%PDF-');

    const page = inspectPdf(r.bytes, `plan-${dialect}`);
    expect(page.png.subarray(1, 4).toString()).toBe('PNG');
    // An A4 page at 40 dpi, neither blank nor black.
    expect(page.width).toBeGreaterThan(300);
    expect(page.inked).toBeGreaterThan(0.01);
    expect(page.inked).toBeLessThan(0.5);
    expect(page.text).toContain('发布计划');
    expect(page.text).toContain(number);
    for (const heading of sectionHeadings) expect(page.text).toContain(heading);
    expect(page.text).toContain('部署新版本');
    expect(page.text).toContain('XDYJ-06-01');
    expect(page.text).toMatch(/第\s*1\s*页\s*\/\s*共\s*\d+\s*页/);
    // Embedded as a subset (ABCDEF+Name), so the file stays small.
    expect(page.fonts).toMatch(/[A-Z]{6}\+\S+\s+CID Type 0C?\s+Identity-H\s+yes\s+yes\s+yes/);
    expect(r.bytes.length).toBeLessThan(400_000);
  });

  it('PL-4 the document of an unknown version is not found; signed-out callers are refused; lang=en is English', async () => {
    expect((await download(c.eng1, `/api/releases/${id}/plans/9/document?format=pdf`)).status).toBe(404);
    expect((await download(null, `/api/releases/${id}/plans/1/document?format=pdf`)).status).toBe(401);
    expect((await download(c.eng1, `/api/releases/${id}/plans/1/document?format=odt`)).status).toBe(400);
    const en = await download(c.aud, `/api/releases/${number}/plans/1/document?format=docx&lang=en`);
    expect(en.status).toBe(200);
    expect(en.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''Release-Plan-${number}-v1.docx`,
    );
    const { body } = await docxText(en.bytes);
    expect(body).toContain('Release Plan');
    expect(body).toContain('Rollback measures');
  });
});
