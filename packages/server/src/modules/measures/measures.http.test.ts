import ExcelJS from 'exceljs';
import {
  XDYJ_06_01_V1,
  type ReleaseOutcome,
  type ReleaseRecord,
  type ReleaseType,
} from '@releasegate/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { recordReleaseOutcome } from './measures.repository';

let seq = 0;

/**
 * A closed release as the close action leaves it: the release row (closed, with its outcome)
 * and its record, written in one transaction through the repository function the close
 * action calls.
 */
async function closedRelease(t: TestApp, overrides: Partial<ReleaseRecord> = {}): Promise<ReleaseRecord> {
  seq += 1;
  const outcome: ReleaseOutcome = overrides.outcome ?? 'successful';
  const deployed = outcome === 'successful' || outcome === 'failed' || outcome === 'rolled_back';
  const record: ReleaseRecord = {
    releaseId: `rel-${seq}`,
    number: `REL-2026-${String(seq).padStart(4, '0')}`,
    title: `发布 ${seq}`,
    type: 'normal',
    outcome,
    requestedAt: '2026-01-05T01:00:00.000Z',
    planSubmittedAt: '2026-01-06T01:00:00.000Z',
    planApprovedAt: '2026-01-06T03:00:00.000Z',
    implementationStartedAt: deployed ? '2026-01-10T14:00:00.000Z' : null,
    implementationEndedAt: deployed ? '2026-01-10T15:00:00.000Z' : null,
    restoredAt: null,
    closedAt: '2026-02-01T02:00:00.000Z',
    rollbackDecisions: 0,
    rollbackDecisionMinutesTotal: 0,
    lateDecisions: 0,
    cmdbDueAt: outcome === 'successful' ? '2026-01-11T15:00:00.000Z' : null,
    cmdbDoneAt: outcome === 'successful' ? '2026-01-11T09:00:00.000Z' : null,
    changeLeadMinutes: deployed ? 2880 : null,
    ...overrides,
  };
  const q = t.database.db.kysely;
  const policy = await q.selectFrom('policy_versions').select('id').executeTakeFirstOrThrow();
  await q.transaction().execute(async (trx) => {
    await trx
      .insertInto('releases')
      .values({
        id: record.releaseId,
        number: record.number,
        title: record.title,
        description: null,
        state: 'closed',
        outcome: record.outcome,
        type: record.type,
        proposed_type: record.type ?? 'normal',
        proposal: '{}',
        type_reason: null,
        urgency: 'normal',
        rollback_difficulty: 'easy',
        new_technology: 0,
        target_ci_ids: '[]',
        policy_version_id: policy.id,
        requested_by: 'eng',
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        created_at: record.requestedAt,
        updated_at: record.closedAt,
      })
      .execute();
    await recordReleaseOutcome(trx, record);
  });
  return record;
}

async function many(t: TestApp, n: number, overrides: Partial<ReleaseRecord> = {}) {
  for (let i = 0; i < n; i++) await closedRelease(t, overrides);
}

describe.each(DIALECTS)('measures on %s', (dialect) => {
  let t: TestApp;
  let aud: HttpClient;
  let boss: HttpClient;

  const quarter = async (q: string, client = aud) => {
    const r = await client.get(`/api/measures/quarters?from=${q}&to=${q}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.quarters[0];
  };

  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('aud', ['auditor']);
    await t.seedUser('boss', ['operations_manager']);
    aud = new HttpClient(t.url);
    boss = new HttpClient(t.url);
    await aud.login('aud');
    await boss.login('boss');
  });
  afterEach(async () => {
    await t.close();
  });

  it('KP-1 a quarter with 19 successful and 1 rolled-back release has a success rate of exactly 95 %, which meets the target', async () => {
    await many(t, 19);
    await closedRelease(t, { outcome: 'rolled_back', restoredAt: '2026-01-10T15:30:00.000Z' });
    const r = await aud.get('/api/measures/quarters?from=2026-Q1&to=2026-Q1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      from: '2026-Q1',
      to: '2026-Q1',
      timeZone: 'Asia/Shanghai',
      policy: { number: 'XDYJ-06-01', version: 'V1.0' },
      target: 95,
    });
    expect(r.body.quarters[0].successRate).toEqual({
      numerator: 19,
      denominator: 20,
      percent: 95,
      target: 95,
      meetsTarget: true,
    });
    // The rule is stated with the answer, in both languages, for the page to show.
    expect(r.body.rules.successRate.zh).toContain('已回退和失败的发布计为不成功');
    expect(r.body.rules.successRate.zh).toContain('实施前取消的发布');
    expect(r.body.rules.successRate.en).toContain('cancelled before implementation');
  });

  it('KP-1 cancelled releases and rejected requests are not counted; a release that started implementation and failed counts', async () => {
    await many(t, 9);
    await closedRelease(t, { outcome: 'failed' });
    await many(t, 3, { outcome: 'cancelled' });
    await closedRelease(t, { outcome: 'rejected', type: null, planSubmittedAt: null, planApprovedAt: null });
    const q = await quarter('2026-Q1');
    expect(q.closed).toBe(14);
    expect(q.outcomes).toEqual({ successful: 9, failed: 1, rolled_back: 0, cancelled: 3, rejected: 1 });
    expect(q.successRate).toMatchObject({ numerator: 9, denominator: 10, percent: 90, meetsTarget: false });
  });

  it('RB-6 a rolled-back release counts as unsuccessful in the KPIs', async () => {
    await closedRelease(t);
    const rolledBack = await closedRelease(t, {
      outcome: 'rolled_back',
      restoredAt: '2026-01-10T15:20:00.000Z',
    });
    const q = await quarter('2026-Q1');
    expect(q.successRate).toMatchObject({ numerator: 1, denominator: 2, percent: 50, meetsTarget: false });
    expect(q.dora.changeFailureRate).toEqual({ numerator: 1, denominator: 2, percent: 50 });
    const drill = await aud.get('/api/measures/quarters/2026-Q1/releases?outcome=rolled_back');
    expect(drill.body.items.map((i: { number: string }) => i.number)).toEqual([rolledBack.number]);
    expect(drill.body.items[0]).toMatchObject({ outcome: 'rolled_back', countsInSuccessRate: true });
  });

  it('KP-1 quarters are counted on the Asia/Shanghai calendar: 00:30 on 1 April in Shanghai belongs to Q2', async () => {
    const lastOfQ1 = await closedRelease(t, { closedAt: '2026-03-31T15:59:59.000Z' }); // 23:59:59 +08:00
    const firstOfQ2 = await closedRelease(t, { closedAt: '2026-03-31T16:30:00.000Z', outcome: 'failed' });
    const firstOfQ1 = await closedRelease(t, { closedAt: '2025-12-31T16:00:00.000Z' }); // 00:00 on 1 Jan
    const lastOf2025 = await closedRelease(t, { closedAt: '2025-12-31T15:59:00.000Z', outcome: 'failed' });
    const r = await aud.get('/api/measures/quarters?from=2025-Q4&to=2026-Q2');
    expect(r.body.quarters.map((q: { quarter: string; closed: number }) => [q.quarter, q.closed])).toEqual([
      ['2025-Q4', 1],
      ['2026-Q1', 2],
      ['2026-Q2', 1],
    ]);
    expect(r.body.quarters[1]).toMatchObject({
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-03-31T16:00:00.000Z',
      successRate: { numerator: 2, denominator: 2, percent: 100 },
    });
    const numbers = async (q: string) =>
      (await aud.get(`/api/measures/quarters/${q}/releases?sort=closedAt&order=asc`)).body.items.map(
        (i: { number: string }) => i.number,
      );
    expect(await numbers('2026-Q1')).toEqual([firstOfQ1.number, lastOfQ1.number]);
    expect(await numbers('2026-Q2')).toEqual([firstOfQ2.number]);
    expect(await numbers('2025-Q4')).toEqual([lastOf2025.number]);
    // A quarter without releases has no rate rather than 0 % or 100 %.
    const empty = await quarter('2026-Q3');
    expect(empty.successRate).toMatchObject({
      numerator: 0,
      denominator: 0,
      percent: null,
      meetsTarget: null,
    });
  });

  it('KP-2 each measure on a small hand-computed quarter', async () => {
    // CMDB: 3 successful releases with updates due, 2 done in time, 1 late (on-time rate 66.67 %).
    // Plan approval: 60, 120, 240 minutes (and 30 for the failed one): median (60 + 120) / 2 = 90.
    const at = (h: number) => new Date(Date.parse('2026-01-06T01:00:00.000Z') + h * 60_000).toISOString();
    await closedRelease(t, { type: 'emergency', planApprovedAt: at(60), changeLeadMinutes: 600 });
    await closedRelease(t, { type: 'major', planApprovedAt: at(120), changeLeadMinutes: 1200 });
    await closedRelease(t, {
      planApprovedAt: at(240),
      changeLeadMinutes: 3000,
      cmdbDoneAt: '2026-01-11T15:30:00.000Z', // 30 minutes after the 24-hour deadline
    });
    // A rolled-back emergency release: two decisions, 20 and 40 minutes, one of them late;
    // restored 90 minutes after implementation began.
    await closedRelease(t, {
      type: 'emergency',
      outcome: 'rolled_back',
      planApprovedAt: at(30),
      rollbackDecisions: 2,
      rollbackDecisionMinutesTotal: 60,
      lateDecisions: 1,
      restoredAt: '2026-01-10T15:30:00.000Z',
      changeLeadMinutes: 4000,
    });
    // Cancelled before implementation: closed in the quarter, in no rate.
    await closedRelease(t, { outcome: 'cancelled', planSubmittedAt: null, planApprovedAt: null });

    const q = await quarter('2026-Q1');
    expect(q.successRate).toMatchObject({ numerator: 3, denominator: 4, percent: 75 });
    expect(q.cmdbOnTimeRate).toEqual({ numerator: 2, denominator: 3, percent: 66.67 });
    expect(q.rollbackDecisions).toEqual({
      decisions: 2,
      meanMinutes: 30,
      late: 1,
      lateRate: { numerator: 1, denominator: 2, percent: 50 },
    });
    expect(q.emergencyShare).toEqual({ numerator: 2, denominator: 4, percent: 50 });
    expect(q.byType).toEqual({ emergency: 2, major: 1, normal: 1 });
    expect(q.planApprovalMinutesMedian).toBe(90);
    expect(q.dora).toEqual({
      deployments: 4,
      deploymentsPerWeek: 0.31, // 4 × 7 / 90 days
      leadTimeMinutesMedian: 2100, // (1200 + 3000) / 2
      changeFailureRate: { numerator: 1, denominator: 4, percent: 25 },
      timeToRestoreMinutesMedian: 90,
    });
  });

  it('KP-1 the target is the policy in force: after a version with 99 % takes effect, 19 of 20 misses it', async () => {
    await many(t, 19);
    await closedRelease(t, { outcome: 'failed' });
    // Drafted by an engineer, approved by the manager (PC-1: nobody approves their own draft).
    await t.seedUser('eng', ['operations_engineer']);
    const eng = new HttpClient(t.url);
    await eng.login('eng');
    const draft = await eng.post('/api/policy/versions', {
      version: 'V1.1',
      effectiveDate: '2026-01-05',
      change: '提高发布成功率目标',
      rules: { ...XDYJ_06_01_V1.rules, successRateTarget: 99 },
    });
    expect(draft.status, JSON.stringify(draft.body)).toBe(201);
    expect((await boss.post(`/api/policy/versions/${draft.body.id}/approve`)).status).toBe(200);
    const r = (await aud.get('/api/measures/quarters?from=2026-Q1&to=2026-Q1')).body;
    expect(r.policy.version).toBe('V1.1');
    expect(r.quarters[0].successRate).toMatchObject({ percent: 95, target: 99, meetsTarget: false });
    expect(r.rules.successRate.zh).toContain('≥ 99%');
  });

  it('KP-1 drill-down: filtered by outcome and type, sorted, paged, readable by the auditor and not by a system administrator', async () => {
    for (let i = 0; i < 7; i++)
      await closedRelease(t, {
        closedAt: `2026-02-0${i + 1}T02:00:00.000Z`,
        type: (['normal', 'major', 'emergency'] as ReleaseType[])[i % 3],
        outcome: i === 3 ? 'failed' : 'successful',
      });
    const page1 = (await aud.get('/api/measures/quarters/2026-Q1/releases?limit=3')).body;
    expect(page1).toMatchObject({ quarter: '2026-Q1', total: 7, limit: 3, offset: 0 });
    expect(page1.items.map((i: { closedAt: string }) => i.closedAt)).toEqual([
      '2026-02-07T02:00:00.000Z',
      '2026-02-06T02:00:00.000Z',
      '2026-02-05T02:00:00.000Z',
    ]);
    const page3 = (await aud.get('/api/measures/quarters/2026-Q1/releases?limit=3&offset=6')).body;
    expect(page3.items.map((i: { closedAt: string }) => i.closedAt)).toEqual(['2026-02-01T02:00:00.000Z']);
    const failed = (await aud.get('/api/measures/quarters/2026-Q1/releases?outcome=failed')).body;
    expect(failed.total).toBe(1);
    expect(failed.items[0]).toMatchObject({ closedAt: '2026-02-04T02:00:00.000Z', deployed: true });
    const majors = (await aud.get('/api/measures/quarters/2026-Q1/releases?type=major&sort=number&order=asc'))
      .body;
    expect(majors.items.map((i: { type: string }) => i.type)).toEqual(['major', 'major']);
    expect(majors.items[0].number < majors.items[1].number).toBe(true);

    expect((await aud.get('/api/measures/quarters/2026-Q5/releases')).status).toBe(400);
    expect((await aud.get('/api/measures/quarters?from=2026-Q2&to=2026-Q1')).status).toBe(400);
    expect((await aud.get('/api/measures/quarters?from=2000-Q1&to=2026-Q1')).status).toBe(400);
    await t.seedUser('sys', ['system_administrator']);
    const sys = new HttpClient(t.url);
    await sys.login('sys');
    const refused = await sys.get('/api/measures/quarters?from=2026-Q1&to=2026-Q1');
    expect(refused.status).toBe(403);
    expect(refused.body.error.details).toMatchObject({ permission: 'measures.read' });
    expect((await new HttpClient(t.url).get('/api/measures/quarters?from=2026-Q1&to=2026-Q1')).status).toBe(
      401,
    );
  });

  it('KP-3 the quarter exports as an XLSX report (summary and releases sheets), parsed back; and as CSV; both audited', async () => {
    await many(t, 19);
    const rolledBack = await closedRelease(t, {
      outcome: 'rolled_back',
      type: 'emergency',
      restoredAt: '2026-01-10T15:30:00.000Z',
      title: '核心账务系统升级',
    });
    await closedRelease(t, { outcome: 'cancelled' });
    await closedRelease(t, { closedAt: '2026-04-02T02:00:00.000Z' }); // Q2: not in the report

    const xlsx = await fetch(`${t.url}/api/measures/quarters/2026-Q1/export?format=xlsx`, {
      headers: { cookie: `rg_session=${aud.cookie('rg_session')}` },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.headers.get('content-disposition')).toContain('release-measures-2026-Q1.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await xlsx.arrayBuffer());
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['汇总', '发布明细']);
    const summary = workbook.getWorksheet('汇总')!;
    const rows = new Map<string, unknown[]>();
    summary.eachRow((row) => {
      const values = (row.values as unknown[]).slice(1);
      rows.set(String(values[0]), values);
    });
    expect(summary.getCell('A1').value).toBe('发布度量季度报告 2026-Q1');
    expect(rows.get('发布成功率（%）')?.slice(1, 3)).toEqual([95, '19 / 20']);
    expect(String(rows.get('发布成功率（%）')?.[3])).toContain('已回退和失败的发布计为不成功');
    expect(rows.get('目标（%）')?.[1]).toBe(95);
    expect(rows.get('是否达标')?.[1]).toBe('达标');
    expect(rows.get('本季度关闭的发布')?.[1]).toBe(21);
    expect(rows.get('依据制度')?.[1]).toBe('XDYJ-06-01 V1.0');

    const releases = workbook.getWorksheet('发布明细')!;
    expect(releases.rowCount).toBe(22); // header + 21 releases closed in Q1
    const header = (releases.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 5)).toEqual(['发布编号', '标题', '类型', '结果', '计入成功率']);
    const line = [...Array(releases.rowCount).keys()]
      .map((i) => (releases.getRow(i + 1).values as unknown[]).slice(1))
      .find((v) => v[0] === rolledBack.number)!;
    expect(line.slice(0, 5)).toEqual([rolledBack.number, '核心账务系统升级', '紧急发布', '已回退', '是']);
    const cancelledLine = [...Array(releases.rowCount).keys()]
      .map((i) => (releases.getRow(i + 1).values as unknown[]).slice(1))
      .find((v) => v[3] === '已取消')!;
    expect(cancelledLine[4]).toBe('否');

    const csv = await aud.get('/api/measures/quarters/2026-Q1/export?format=csv&lang=en');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = (csv.body as string).replace(/^\uFEFF/, '').split(/\r?\n/);
    expect(lines[0]).toBe('"Release measures, quarterly report 2026-Q1"');
    expect(lines.find((l) => l.startsWith('Release success rate (%)'))).toMatch(
      /^Release success rate \(%\),95,19 \/ 20,/,
    );
    const headerAt = lines.findIndex((l) => l.startsWith('Number,Title,Type,Outcome'));
    expect(lines.slice(headerAt + 1).filter((l) => l.startsWith('REL-'))).toHaveLength(21);

    const audit = await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'entity_id', 'actor_name'])
      .where('action', '=', 'measures.export')
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'measures.export', entity_id: '2026-Q1', actor_name: 'aud' },
      { action: 'measures.export', entity_id: '2026-Q1', actor_name: 'aud' },
    ]);
  });
});
