import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, triggerAwaitingDecision } from '../../test/implementation';

describe.each(DIALECTS)('CL-2 the report and the seal by a job on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it('CL-1 CL-2 PO-3 a renderer that fails never loses a close: the release stays closed with its closure, the sealing is retried and shown pending, then failed after its retries', async () => {
    // A font that is not there: every PDF the renderer tries fails.
    t = await startTestApp(dialect, { ...SESSIONS_FOR_A_DAY, PDF_FONT_PATH: '/nonexistent/NotoSansCJK.ttf' });
    t.clock.set('2026-02-01T14:30:00Z');
    const c = await signInRoles(t);
    const { releaseId, triggerId } = await triggerAwaitingDecision(t, c);
    await c.boss.post(`/api/releases/${releaseId}/triggers/${triggerId}/decision`, { decision: 'rollback' });
    const failed = await c.boss.post(`/api/releases/${releaseId}/rollback/fail`, { reason: '备份不可用' });
    expect(failed.status, JSON.stringify(failed.body)).toBe(200);
    expect(failed.body).toMatchObject({ state: 'closed', outcome: 'failed' });

    const view = async () => (await c.biz.get(`/api/releases/${releaseId}/post-release`)).body;
    await t.app.jobs.runDue();
    expect((await view()).sealing).toEqual({ state: 'pending', attempts: 1 });
    for (let i = 0; i < 30 && (await view()).sealing?.state === 'pending'; i++) {
      t.clock.advanceMinutes(120);
      await t.app.jobs.runDue();
    }
    const after = await view();
    expect(after.sealing).toEqual({ state: 'failed', attempts: 20 });
    expect(after.archive?.sealedAt ?? null).toBeNull();
    expect(after.closure).toMatchObject({ outcome: 'failed', analysis: '回退失败：备份不可用' });
    await c.boss.login('boss'); // a day and more later
    expect((await c.boss.get(`/api/releases/${releaseId}`)).body).toMatchObject({
      state: 'closed',
      outcome: 'failed',
    });
  });
});
