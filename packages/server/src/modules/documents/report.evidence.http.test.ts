import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { SESSIONS_FOR_A_DAY, implementRelease, readyRelease } from '../../test/implementation';
import { signInRoles } from '../../test/releases';
import { startTestApp, type HttpClient, type TestApp } from '../../test/test-app';
import { docxText, inspectPdf } from './document.inspect';

/**
 * Issue #13: 《发布变更报告》 and 《发布计划》 are the evidence of a release. A release proposed major
 * and classified normal with a reason is walked to close; both documents are read back, DOCX and
 * PDF, and must name the change and its CAB votes, the DSL digest, the CI's versions before and
 * after, the override reason and the sign-off block.
 */
describe.each(DIALECTS)('the documents carry the evidence on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  let release: Awaited<ReturnType<typeof readyRelease>>;
  let changeNumber: string;
  const reason = '仅替换计费模块，影响有限，按一般发布管理';

  beforeAll(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
    c = await signInRoles(t);
    release = await readyRelease(t, c, { classify: { type: 'normal', reason } });
    changeNumber = (await c.eng1.get(`/api/changes/${release.changeId}`)).body.number;
    const id = release.id;
    await implementRelease(t, c, id);
    for (const key of ['functional', 'performance', 'business'])
      expect(
        (
          await c.eng1.post(`/api/releases/${id}/verifications/${key}`, {
            result: 'passed',
            note: `${key} 正常`,
          })
        ).status,
      ).toBe(200);
    const uat = await c.biz.post(`/api/releases/${id}/acceptance`, {
      accepted: true,
      department: '零售业务部',
      comment: '业务正常',
    });
    expect(uat.status, JSON.stringify(uat.body)).toBe(200);
    expect((await c.cfg.post(`/api/releases/${id}/cmdb-update/complete`, {})).status).toBe(200);
    expect((await c.eng1.post(`/api/releases/${id}/archive`)).status).toBe(200);
    const closed = await c.boss.post(`/api/releases/${id}/close`, {
      outcome: 'successful',
      analysis: '按计划完成',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  });
  afterAll(async () => {
    await t.close();
  });

  async function download(who: HttpClient, path: string) {
    const r = await fetch(t.url + path, { headers: { cookie: who.cookieHeader() } });
    expect(r.status).toBe(200);
    return Buffer.from(await r.arrayBuffer());
  }

  /** The texts both formats must hold; PDF text is compared without the line breaks of wrapped cells. */
  async function expectEvidence(docx: Buffer, pdf: Buffer, name: string, texts: string[]) {
    const { body } = await docxText(docx);
    const pdfText = inspectPdf(pdf, name).text.replace(/\s+/g, '');
    for (const text of texts) {
      expect(body, `DOCX: ${text}`).toContain(text);
      expect(pdfText, `PDF: ${text}`).toContain(text.replace(/\s+/g, ''));
    }
    return body;
  }

  it('CL-2 IN-1 TY-3 PO-3 the archived report names the change and its CAB votes, the digest, the versions, the override reason and the sign-off', async () => {
    const path = `/api/releases/${release.id}/report`;
    const body = await expectEvidence(
      await download(c.aud, `${path}?format=docx`),
      await download(c.aud, `${path}?format=pdf`),
      `report-evidence-${dialect}`,
      [
        changeNumber,
        '计费升级',
        '本系统登记',
        // Both CAB members' votes, with their comment.
        'cab1',
        'cab2',
        '同意',
        release.digest,
        `billing ${release.dslVersion}`,
        // The CI before and after: the plan's baseline 2.0 → 2.1, applied by the CMDB update.
        '2.0',
        '2.1',
        '重大发布',
        '一般发布',
        reason,
        '审批签字',
        '发布计划审批',
        '发布关闭',
        '用户验收',
        '业务部门代表',
        '业务正常',
        '签字',
      ],
    );
    // The sign-off names who acted in each role: the plan's approver, the closer, the business user.
    expect(body).toMatch(/发布计划审批\n运维工程师或运维管理部经理\nboss\n批准/);
    expect(body).toMatch(/发布关闭\n运维管理部经理\nboss\n成功关闭：按计划完成/);
    expect(body).toMatch(/用户验收\n业务部门代表\nbiz\n验收通过：业务正常/);
    // Not an emergency release: no after-the-fact review section.
    expect(body).not.toContain('事后评审');
  });

  it('PL-4 IN-1 TY-3 the plan names the change and its CAB votes, the digest, the override reason and the approval sign-off', async () => {
    const path = `/api/releases/${release.id}/plans/1/document`;
    await expectEvidence(
      await download(c.eng2, `${path}?format=docx`),
      await download(c.eng2, `${path}?format=pdf`),
      `plan-evidence-${dialect}`,
      [changeNumber, 'cab1', 'cab2', release.digest, reason, '审批签字', '发布计划审批', 'boss'],
    );
  });
});
