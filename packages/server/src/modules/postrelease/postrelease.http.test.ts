import { execFile } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, tempDir } from '../../test/databases';
import { auditEvents, startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';
import { publicKeyInfo } from '../audit';
import { CLI } from '../../test/server-process';

const run = promisify(execFile);

describe.each(DIALECTS)(
  'after the release: verification, CMDB, archive, close and report on %s',
  (dialect) => {
    let t: TestApp;
    let c: Awaited<ReturnType<typeof signInRoles>>;
    beforeEach(async () => {
      t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
      t.clock.set('2026-02-01T14:30:00Z');
      c = await signInRoles(t);
    });
    afterEach(async () => {
      await t.close();
    });

    /** A release whose implementation completed at 15:10: post-release management has begun. */
    const implemented = async () => {
      const r = await readyRelease(t, c);
      expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
      await runStep(c.impl, r.id, 'implementation', 0);
      await runStep(c.impl, r.id, 'implementation', 1);
      t.clock.set('2026-02-01T15:10:00Z');
      const done = await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
      expect(done.body.state).toBe('post_release');
      return r;
    };
    const view = async (id: string) => (await c.biz.get(`/api/releases/${id}/post-release`)).body;
    const verifyAll = async (id: string) => {
      for (const key of ['functional', 'performance', 'business']) {
        const v = await c.eng1.post(`/api/releases/${id}/verifications/${key}`, {
          result: 'passed',
          note: `${key} 正常`,
        });
        expect(v.status, JSON.stringify(v.body)).toBe(200);
      }
      const uat = await c.biz.post(`/api/releases/${id}/acceptance`, {
        accepted: true,
        department: '零售业务部',
      });
      expect(uat.status, JSON.stringify(uat.body)).toBe(200);
    };

    it('PO-1 verification needs evidence; user acceptance is signed off only by a named business representative', async () => {
      const r = await implemented();
      const noEvidence = await c.eng1.post(`/api/releases/${r.id}/verifications/functional`, {
        result: 'passed',
      });
      expect(noEvidence.status).toBe(422);
      expect(noEvidence.body.error.details.rule).toBe('PO-1 evidence');
      const notHere = await c.eng1.post(`/api/releases/${r.id}/verifications/user_acceptance`, {
        result: 'passed',
        note: 'ok',
      });
      expect(notHere.status).toBe(400);
      const byEngineer = await c.eng1.post(`/api/releases/${r.id}/acceptance`, {
        accepted: true,
        department: '运维',
      });
      expect(byEngineer.status).toBe(403);
      const noDepartment = await c.biz.post(`/api/releases/${r.id}/acceptance`, {
        accepted: true,
        department: '',
      });
      expect(noDepartment.status).toBe(400);
      expect(noDepartment.body.error.details.fields.department).toBeDefined();
      await verifyAll(r.id);
      const v = await view(r.id);
      expect(v.verifications.pending).toEqual([]);
      expect(v.verifications.items.find((i: any) => i.key === 'user_acceptance').latest).toMatchObject({
        result: 'passed',
        department: '零售业务部',
        actorName: 'biz',
      });
    });

    it('PO-2 the CMDB update task is due 24 hours after implementation, reminded, overdue on a moved clock, and applies the target configuration', async () => {
      const r = await implemented();
      const task = (await view(r.id)).cmdbUpdate;
      expect(task).toMatchObject({ dueAt: '2026-02-02T15:10:00.000Z', doneAt: null, overdue: false });
      t.clock.set('2026-02-02T13:10:00Z');
      expect(await t.app.jobs.runDue()).toBe(1);
      t.clock.set('2026-02-02T15:09:59Z');
      expect(await t.app.jobs.runDue()).toBe(0);
      expect((await view(r.id)).cmdbUpdate.overdue).toBe(false);
      t.clock.set('2026-02-02T15:10:00Z');
      expect(await t.app.jobs.runDue()).toBe(1);
      const overdue = await view(r.id);
      expect(overdue.cmdbUpdate.overdue).toBe(true);
      // The server's time comes with the view: the page's countdown follows it, not the browser's clock.
      expect(overdue.now).toBe('2026-02-02T15:10:00.000Z');
      const missed = await t.database.db.kysely
        .selectFrom('notifications')
        .innerJoin('users', 'users.id', 'notifications.user_id')
        .select('users.username')
        .where('notifications.kind', '=', 'deadline_missed')
        .execute();
      expect(missed.map((m) => m.username).sort()).toEqual(['boss', 'cfg']);

      // A day later: the sessions of the morning have expired.
      for (const name of ['impl', 'cfg'] as const) await c[name].login(name);
      const byImplementer = await c.impl.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
      expect(byImplementer.status).toBe(403);
      const done = await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, { note: '已核对' });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect((await c.cfg.get(`/api/cmdb/cis/${r.ciId}`)).body.version).toBe('2.1');
      // CM-4: the CI's history names the release as the reason of the change.
      const { entries } = (await c.cfg.get(`/api/cmdb/cis/${r.ciId}/history`)).body;
      expect(entries.find((e: any) => e.reasonKind === 'release')).toMatchObject({
        releaseId: r.id,
        releaseNumber: expect.stringMatching(/^REL-\d{4}-\d{4}$/),
        reason: expect.stringContaining('CMDB update (PO-2): 已核对'),
      });
      // the reason the system gave, as a code with its parameters beside its English.
      const fromRelease = entries.find((e: any) => e.reasonKind === 'release');
      expect(fromRelease.systemReason).toEqual({
        code: 'history_cmdb_update_note',
        params: { release: fromRelease.releaseNumber, note: '已核对' },
      });
      expect(fromRelease.reason).toBe(`${fromRelease.releaseNumber} CMDB update (PO-2): 已核对`);
      expect((await view(r.id)).cmdbUpdate).toMatchObject({
        doneBy: 'cfg',
        applied: [{ before: '2.0', after: '2.1' }],
      });
      const again = await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
      expect(again.body.error.details.rule).toBe('PO-2 CMDB update task');
    });

    it('CL-1 close is refused with the missing prerequisites listed, and only the operations manager closes', async () => {
      const r = await implemented();
      const refused = await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'successful' });
      expect(refused.status).toBe(422);
      expect(refused.body.error.details.blockers.map((b: any) => b.rule)).toEqual([
        'CL-1 verification done',
        'CL-1 CMDB update done',
        'CL-1 documents archived',
      ]);
      expect(refused.body.error.details.blockers[0].params).toEqual({
        items: ['functional', 'performance', 'business', 'user_acceptance'],
      });
      expect(refused.body.error.message).toContain('Functional, Performance, Business, User acceptance');
      await verifyAll(r.id);
      await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
      expect((await c.eng1.post(`/api/releases/${r.id}/archive`)).status).toBe(200);
      const byEngineer = await c.eng1.post(`/api/releases/${r.id}/close`, { outcome: 'successful' });
      expect(byEngineer.status).toBe(403);
      // The engineer lacks release.close altogether: refused at the door, before the lifecycle is asked.
      expect(byEngineer.body.error.details).toMatchObject({
        rule: 'X-4 permission',
        permission: 'release.close',
      });
      const closed = await c.boss.post(`/api/releases/${r.id}/close`, {
        outcome: 'successful',
        analysis: '按计划完成，无回退',
        lessons: '数据库迁移应提前演练',
      });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
      expect(closed.body).toMatchObject({ state: 'closed', outcome: 'successful' });
      // The closure is its own record; the release keeps who accepted it (IN-6), not who closed it.
      expect(closed.body).toMatchObject({ decidedBy: 'eng2' });
      expect(closed.body.decisionReason).not.toBe('按计划完成，无回退');
      expect((await c.boss.get(`/api/releases/${r.id}/post-release`)).body.closure).toMatchObject({
        analysis: '按计划完成，无回退',
      });
      // KP-1: the close wrote the release's record for the measures.
      const record = await t.database.db.kysely
        .selectFrom('release_records')
        .selectAll()
        .where('release_id', '=', r.id)
        .executeTakeFirstOrThrow();
      expect(record).toMatchObject({
        outcome: 'successful',
        implementation_started_at: '2026-02-01T15:00:00.000Z',
        implementation_ended_at: '2026-02-01T15:10:00.000Z',
        cmdb_due_at: '2026-02-02T15:10:00.000Z',
      });
    });

    it('PO-3 CL-2 the archive is sealed at close with the report; the evidence package verifies, and fails when a file is altered', async () => {
      const r = await implemented();
      await verifyAll(r.id);
      await c.cfg.post(`/api/releases/${r.id}/cmdb-update/complete`, {});
      await c.eng1.post(`/api/releases/${r.id}/archive`);
      const draft = await fetch(`${t.url}/api/releases/${r.id}/report?format=pdf`, {
        headers: { cookie: c.biz.cookieHeader() },
      });
      expect(draft.headers.get('x-report-draft')).toBe('true');
      const planPdf = (await view(r.id)).archiveItems.find((i: any) => i.kind === 'plan');
      await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'successful', analysis: '一次成功的发布' });
      // CL-2: the close renders nothing; the report is generated and the archive sealed by a job.
      const closing = await view(r.id);
      expect(closing.sealing).toEqual({ state: 'pending', attempts: 0 });
      expect(closing.archive.sealedAt).toBeNull();
      expect(closing.archiveItems.map((i: any) => i.kind)).not.toContain('report');
      t.clock.advance(60_000);
      await t.app.jobs.runDue();
      const sealed = await view(r.id);
      expect(sealed.sealing).toBeNull();
      expect(sealed.archiveItems.map((i: any) => i.kind)).toEqual(
        expect.arrayContaining(['plan', 'approvals', 'checklists', 'steps', 'logs', 'report']),
      );
      expect(sealed.archive.sealedAt).toBe('2026-02-01T15:11:00.000Z');
      // The plan's PDF archived before the close is kept, not rendered again.
      expect(sealed.archiveItems.find((i: any) => i.kind === 'plan')).toMatchObject({
        digest: planPdf.digest,
        addedAt: planPdf.addedAt,
      });
      const [seal] = (await auditEvents(t, 'release.seal_archive')).map((e) => JSON.parse(e.details_json!));
      expect(seal.report.map((f: any) => f.name)).toEqual([
        expect.stringMatching(/\.docx$/),
        expect.stringMatching(/\.pdf$/),
      ]);
      // Immutable after close: nothing can be archived again.
      expect((await c.eng1.post(`/api/releases/${r.id}/archive`)).status).toBe(409);

      const docx = await fetch(`${t.url}/api/releases/${r.id}/report?format=docx`, {
        headers: { cookie: c.biz.cookieHeader() },
      });
      expect(docx.headers.get('x-report-draft')).toBe('false');
      const xml = await (
        await JSZip.loadAsync(Buffer.from(await docx.arrayBuffer()))
      )
        .file('word/document.xml')!
        .async('string');
      const text = xml.replace(/<[^>]+>/g, '');
      for (const expected of ['发布变更报告', '一次成功的发布', '零售业务部', '部署新版本'])
        expect(text).toContain(expected);
      // The timeline says what each event was about, in the policy's terms.
      for (const expected of [
        '定级：重大发布',
        '实施步骤 1 停止服务：开始',
        '实施步骤 1 停止服务：成功',
        '发布前验证：环境检查 通过',
      ])
        expect(text).toContain(expected);

      const dir = tempDir();
      const pkgResponse = await fetch(`${t.url}/api/releases/${r.id}/evidence-package`, {
        headers: { cookie: c.aud.cookieHeader() },
      });
      expect(pkgResponse.status).toBe(200);
      const zipFile = path.join(dir, 'evidence.zip');
      fs.writeFileSync(zipFile, Buffer.from(await pkgResponse.arrayBuffer()));
      // The auditor keeps the server's public key apart from the package.
      const publicKey = path.join(dir, 'releasegate-audit.pem');
      fs.writeFileSync(publicKey, (await c.aud.get('/api/audit/public-key')).body.pem);
      const ok = await run('node', [CLI, 'evidence', 'verify', zipFile, '--public-key', publicKey]);
      expect(ok.stdout).toMatch(/^OK: \d+ files checked/);
      expect(ok.stdout).toMatch(/manifest signed by key [0-9a-f]{16} \(trusted\)/);
      expect(ok.stdout).toMatch(/cites the audit chain's signed head: event #\d+/);
      const zip = await JSZip.loadAsync(fs.readFileSync(zipFile));
      const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(manifest.files.map((f: any) => f.kind)).toEqual(
        expect.arrayContaining(['report', 'plan', 'audit']),
      );
      const events = await zip.file('audit-events.jsonl')!.async('string');
      expect(events).toContain('release.close_successful');
      // Alter one document: the verification names it and exits 1.
      const target = manifest.files.find((f: any) => f.kind === 'checklists').path;
      zip.file(target, '{"tampered": true}');
      fs.writeFileSync(zipFile, await zip.generateAsync({ type: 'nodebuffer' }));
      const bad = await run('node', [CLI, 'evidence', 'verify', zipFile]).catch((e: any) => e);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(`${target}: SHA-256`);
      // PO-3: editing a file and its line in the manifest no longer passes: the signature breaks.
      const edited = manifest.files.find((f: any) => f.path === target);
      edited.sha256 = createHash('sha256').update('{"tampered": true}').digest('hex');
      zip.file('manifest.json', JSON.stringify(manifest, null, 2));
      fs.writeFileSync(zipFile, await zip.generateAsync({ type: 'nodebuffer' }));
      const resigned = await run('node', [
        CLI,
        'evidence',
        'verify',
        zipFile,
        '--public-key',
        publicKey,
      ]).catch((e: any) => e);
      expect(resigned.code).toBe(1);
      expect(resigned.stdout).not.toContain(`${target}: SHA-256`);
      expect(resigned.stdout).toContain(
        'manifest.json: the signature does not match: the manifest was altered',
      );
      // A forger who re-signs with a key of their own and ships it inside the package is caught
      // by the trusted key; only without one does the embedded key vouch for consistency alone.
      const forger = generateKeyPairSync('ed25519');
      const signedText = await zip.file('manifest.json')!.async('string');
      zip.file(
        'manifest.sig.json',
        JSON.stringify({
          keyId: publicKeyInfo(forger.publicKey.export({ type: 'spki', format: 'pem' }).toString()).keyId,
          signature: sign(null, Buffer.from(signedText), forger.privateKey).toString('base64'),
        }),
      );
      zip.file('public-key.pem', forger.publicKey.export({ type: 'spki', format: 'pem' }).toString());
      fs.writeFileSync(zipFile, await zip.generateAsync({ type: 'nodebuffer' }));
      const forged = await run('node', [CLI, 'evidence', 'verify', zipFile, '--public-key', publicKey]).catch(
        (e: any) => e,
      );
      expect(forged.code).toBe(1);
      expect(forged.stdout).toMatch(/manifest.json: signed by key [0-9a-f]{16}, which is not trusted/);
    });

    it('RB-6 CL-1 a rolled-back release closes as rolled back once archived, and counts as unsuccessful', async () => {
      const r = await readyRelease(t, c);
      await c.impl.post(`/api/releases/${r.id}/implementation/start`);
      const trigger = await c.impl.post(`/api/releases/${r.id}/triggers`, {
        kind: 'data',
        summary: '数据丢失',
      });
      await c.boss.post(`/api/releases/${r.id}/triggers/${trigger.body.id}/decision`, {
        decision: 'rollback',
      });
      await runStep(c.eng1, r.id, 'rollback', 0);
      await c.eng1.post(`/api/releases/${r.id}/restoration`, {
        observed: [{ ciId: r.ciId, version: '2.0' }],
      });
      expect((await c.eng1.post(`/api/releases/${r.id}/rollback/complete`)).body.state).toBe('rolled_back');
      const success = await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'successful' });
      expect(success.status).toBe(409);
      const unarchived = await c.boss.post(`/api/releases/${r.id}/close`, { outcome: 'rolled_back' });
      expect(unarchived.body.error.details.rule).toBe('CL-1 documents archived');
      await c.eng1.post(`/api/releases/${r.id}/archive`);
      const closed = await c.boss.post(`/api/releases/${r.id}/close`, {
        outcome: 'rolled_back',
        analysis: '数据校验失败',
      });
      expect(closed.body).toMatchObject({ state: 'closed', outcome: 'rolled_back' });
      const record = await t.database.db.kysely
        .selectFrom('release_records')
        .select(['outcome', 'rollback_decisions', 'restored_at'])
        .where('release_id', '=', r.id)
        .executeTakeFirstOrThrow();
      expect(record).toMatchObject({ outcome: 'rolled_back', rollback_decisions: 1 });
      expect(record.restored_at).not.toBeNull();
    });
  },
);
