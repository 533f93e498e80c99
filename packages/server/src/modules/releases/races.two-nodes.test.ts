import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XDYJ_06_01_V1, type Role } from '@releasegate/domain';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type Reply, type TestApp } from '../../test/test-app';
import { approvedChange, ci, completePlan } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease, runStep } from '../../test/implementation';
import { spawnServer, stopServer, type ServerProcess } from '../../test/server-process';
import { verifyChain } from '../audit';

/**
 * Two nodes on one database and 20 or 50 callers at once, spread over both: on PostgreSQL two
 * server processes on one schema; on SQLite, where a second server refuses a data directory in
 * use, the test's own app and one server process — two connections, in two processes, to one
 * file. Every numbered creation succeeds with its own number, and of the callers racing for a
 * one-shot action exactly one wins while the others get 409 naming the winner, with nothing
 * written but their refusal on the audit trail (docs/decisions/0011).
 */

const SIZES = [20, 50] as const;
const WORDS: Record<number, string> = { 20: 'twenty', 50: 'fifty' };

const PEOPLE: Record<string, Role[]> = {
  boss: ['operations_manager'],
  boss2: ['operations_manager'],
  eng1: ['operations_engineer'],
  eng2: ['operations_engineer'],
  cfg: ['configuration_administrator'],
  cfg2: ['configuration_administrator'],
  impl: ['release_implementer'],
  cab1: ['cab_member'],
  cab2: ['cab_member'],
  cab3: ['cab_member'],
  cab4: ['cab_member'],
  biz: ['business_representative'],
  biz2: ['business_representative'],
};

interface Attempt {
  who: string;
  i: number;
  reply: Reply;
}

/** The callers' replies, and the last audit event before they were sent. */
interface Race {
  attempts: Attempt[];
  since: number;
}

describe.each(DIALECTS)('numbers and one-shot actions across two server nodes on %s', (dialect) => {
  let t: TestApp;
  let c: Record<string, HttpClient>;
  const servers: ServerProcess[] = [];
  /** The two nodes' addresses. */
  let nodes: string[];

  beforeAll(async () => {
    t = await startTestApp(dialect, SESSIONS_FOR_A_DAY);
    // The server processes run on the real clock; the test's own app stands at the same moment.
    t.clock.set(new Date());
    c = {};
    for (const [name, roles] of Object.entries(PEOPLE)) {
      await t.seedUser(name, roles);
      c[name] = new HttpClient(t.url);
      expect((await c[name].login(name)).status).toBe(200);
    }
    const env = { ...t.database.env, ...SESSIONS_FOR_A_DAY, JOBS_ENABLED: 'false' };
    servers.push(
      ...(await Promise.all(Array.from({ length: dialect === 'postgres' ? 2 : 1 }, () => spawnServer(env)))),
    );
    nodes = dialect === 'postgres' ? servers.map((s) => s.url) : [t.url, servers[0].url];
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.splice(0).map((server) => stopServer(server, 'SIGKILL')));
    await t?.close();
  });

  const lastSeq = async () =>
    Number(
      (
        await t.database.db.kysely
          .selectFrom('audit_events')
          .select((eb) => eb.fn.max('seq').as('seq'))
          .executeTakeFirstOrThrow()
      ).seq ?? 0,
    );

  /** `n` requests at once, alternating between the two nodes and, in turn, among `who`. */
  const race = async (
    n: number,
    who: string[],
    send: (client: HttpClient, i: number) => Promise<Reply>,
  ): Promise<Race> => {
    const since = await lastSeq();
    const attempts = await Promise.all(
      Array.from({ length: n }, async (_, i): Promise<Attempt> => {
        const name = who[Math.floor(i / 2) % who.length];
        return { who: name, i, reply: await send(c[name].at(nodes[i % 2]), i) };
      }),
    );
    return { attempts, since };
  };

  const noServerErrors = ({ attempts }: Race) => {
    for (const a of attempts) expect(a.reply.status, JSON.stringify(a.reply.body)).toBeLessThan(500);
  };

  const events = (action: string, outcome: 'success' | 'denied') =>
    t.database.db.kysely
      .selectFrom('audit_events')
      .select('details_json')
      .where('action', '=', action)
      .where('outcome', '=', outcome);

  /** Successful events of the action on the entity, ever. */
  const successes = async (action: string, entityId: string) =>
    (await events(action, 'success').where('entity_id', '=', entityId).execute()).length;

  /** Refusals of the route's action recorded since the race began. */
  const refusals = (action: string, since: number) =>
    events(action, 'denied').where('seq', '>', since).execute();

  /**
   * Exactly one caller won; every other got 409 `already_done` naming that winner and one same
   * time; the audit trail holds one success for the action and one refusal per loser (on the
   * route's action), and the chain verifies.
   */
  const exactlyOneWins = async (
    race: Race,
    audit: { success: string; refusal: string; entityId: string },
  ) => {
    noServerErrors(race);
    const { attempts } = race;
    const winners = attempts.filter((a) => a.reply.status < 300);
    expect(winners, JSON.stringify(attempts.map((a) => a.reply.status))).toHaveLength(1);
    const [winner] = winners;
    const losers = attempts.filter((a) => a !== winner);
    for (const l of losers) {
      expect(l.reply.status, JSON.stringify(l.reply.body)).toBe(409);
      expect(l.reply.body.error).toMatchObject({
        code: 'conflict',
        details: { reason: 'already_done', by: winner.who },
      });
    }
    const details = losers.map((l) => l.reply.body.error.details as { at: string; rule: string });
    expect(new Set(details.map((d) => d.at)).size).toBe(1);
    expect(await successes(audit.success, audit.entityId)).toBe(1);
    const conflicts = await refusals(audit.refusal, race.since);
    expect(conflicts).toHaveLength(losers.length);
    for (const e of conflicts) expect(JSON.parse(e.details_json!)).toMatchObject({ code: 'conflict' });
    expect(await verifyChain(t.database.db.kysely)).toMatchObject({ ok: true });
    return { winner, details: details[0] };
  };

  const rows = (table: 'release_closures' | 'release_records' | 'problem_records', releaseId: string) =>
    t.database.db.kysely.selectFrom(table).selectAll().where('release_id', '=', releaseId).execute();

  /** A plan window around now: the server processes run on the real clock. */
  const aroundNow = () => ({
    start: new Date(Date.now() - 3_600_000).toISOString(),
    end: new Date(Date.now() + 3 * 3_600_000).toISOString(),
  });

  /** A release under implementation (readyRelease moves the test clock; it is put back to now). */
  const implementing = async () => {
    const r = await readyRelease(t, c, { plan: (content) => ({ ...content, window: aroundNow() }) });
    t.clock.set(new Date());
    const started = await c.impl.post(`/api/releases/${r.id}/implementation/start`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    return r;
  };

  for (const n of SIZES) {
    it(`PR-3 IN-1 PO-4 ${WORDS[n]} parallel change registrations, release requests (each with its own approved change) and knowledge articles across two nodes: every one succeeds, with numbers consecutive and distinct`, async () => {
      const consecutive = (numbers: string[]) => {
        expect(new Set(numbers).size).toBe(n);
        const seqs = numbers.map((x) => Number(x.split('-').at(-1))).sort((a, b) => a - b);
        expect(seqs.at(-1)! - seqs[0]).toBe(n - 1);
      };
      const changes = await race(n, ['eng1', 'eng2'], (client, i) =>
        client.post('/api/changes', { title: `并发变更 ${i}`, description: '并发登记', risk: 'low' }),
      );
      noServerErrors(changes);
      for (const a of changes.attempts) expect(a.reply.status).toBe(201);
      consecutive(changes.attempts.map((a) => a.reply.body.number as string));

      // Each change through CAB review, the changes in parallel over both nodes.
      await Promise.all(
        changes.attempts.map(async (a, i) => {
          const node = nodes[i % 2];
          const id = a.reply.body.id as string;
          expect((await c[a.who].at(node).post(`/api/changes/${id}/submit`)).status).toBe(200);
          for (const voter of ['cab1', 'cab2']) {
            const v = await c[voter].at(node).post(`/api/changes/${id}/votes`, {
              decision: 'approve',
              comment: '同意',
            });
            expect(v.status, JSON.stringify(v.body)).toBe(200);
          }
        }),
      );
      const manual = await ci(c.cfg, 'document', `manual-${n}-${Date.now()}`);
      const releases = await race(n, ['eng1', 'eng2'], (client, i) =>
        client.post('/api/releases', {
          title: `并发发布 ${i}`,
          changeIds: [changes.attempts[i].reply.body.id],
          items: [{ kind: 'document', title: '操作手册', ciIds: [manual.id] }],
        }),
      );
      noServerErrors(releases);
      for (const a of releases.attempts) expect(a.reply.status, JSON.stringify(a.reply.body)).toBe(201);
      consecutive(releases.attempts.map((a) => a.reply.body.number as string));

      const articles = await race(n, ['eng1', 'eng2'], (client, i) =>
        client.post('/api/knowledge/articles', {
          title: `并发经验 ${i}`,
          body: '两个节点同时写入',
          kind: 'lesson',
        }),
      );
      noServerErrors(articles);
      for (const a of articles.attempts) expect(a.reply.status, JSON.stringify(a.reply.body)).toBe(201);
      consecutive(articles.attempts.map((a) => a.reply.body.number as string));
      expect(await verifyChain(t.database.db.kysely)).toMatchObject({ ok: true });
    });

    it(`CM-1 ${WORDS[n]} parallel registrations of one CI (same type, name and environment) across two nodes: one is created, the others get 409, none a 500`, async () => {
      const name = `core-db-${n}-${Date.now()}`;
      const registrations = await race(n, ['cfg', 'cfg2'], (client) =>
        client.post('/api/cmdb/cis', { type: 'application', name, environment: 'production' }),
      );
      noServerErrors(registrations);
      const created = registrations.attempts.filter((a) => a.reply.status === 201);
      expect(created).toHaveLength(1);
      for (const a of registrations.attempts.filter((x) => x !== created[0]))
        expect(a.reply.body.error.code, JSON.stringify(a.reply.body)).toBe('conflict');
      const cis = await t.database.db.kysely
        .selectFrom('cis')
        .select('id')
        .where('name', '=', name)
        .execute();
      expect(cis).toEqual([{ id: created[0].reply.body.id }]);
    });

    it(`IN-6 PL-2 PL-3 ${WORDS[n]} parallel accepts, plan approvals and plan revisions of one release across two nodes: exactly one of each wins, the others get 409 naming the winner`, async () => {
      const app = await ci(c.cfg, 'application', `accept-${n}-${Date.now()}`, { version: '2.0' });
      const change = await approvedChange(c, '并发受理', [app.id]);
      const requested = await c.eng1.post('/api/releases', {
        title: '并发受理',
        changeIds: [change.id],
        items: [{ kind: 'document', title: '操作手册', ciIds: [app.id] }],
      });
      expect(requested.status, JSON.stringify(requested.body)).toBe(201);
      const id = requested.body.id as string;

      // Everyone with intake rights but the requester (eng1: four eyes at intake, RO-4).
      const accepts = await race(n, ['eng2', 'boss', 'boss2'], (client) =>
        client.post(`/api/releases/${id}/accept`, { note: '受理' }),
      );
      const accepted = await exactlyOneWins(accepts, {
        success: 'release.accept',
        refusal: 'release.accept',
        entityId: id,
      });
      expect(accepted.details).toMatchObject({ action: 'accept', state: 'planning' });

      const classified = await c.eng1.post(`/api/releases/${id}/classify`, {
        type: 'major',
        reason: '核心系统',
      });
      expect(classified.status, JSON.stringify(classified.body)).toBe(200);
      const plan = { ...completePlan([app.id]), window: aroundNow() };
      expect((await c.eng1.request('PUT', `/api/releases/${id}/plan`, plan)).status).toBe(200);
      expect((await c.eng1.post(`/api/releases/${id}/plan/submit`)).status).toBe(200);
      const approvals = await race(n, ['boss', 'boss2'], (client) =>
        client.post(`/api/releases/${id}/plan/approve`, { comment: '同意' }),
      );
      const approved = await exactlyOneWins(approvals, {
        success: 'release.approve_plan',
        refusal: 'plan.approve',
        entityId: id,
      });
      const { plans } = (await c.eng1.get(`/api/releases/${id}/plans`)).body;
      expect(plans).toHaveLength(1);
      expect(plans[0]).toMatchObject({ status: 'approved', decidedBy: approved.winner.who });

      const revisions = await race(n, ['eng1', 'eng2'], (client, i) =>
        client.post(`/api/releases/${id}/plan/revise`, { reason: `修订 ${i}` }),
      );
      const revised = await exactlyOneWins(revisions, {
        success: 'release.revise_plan',
        refusal: 'plan.revise',
        entityId: id,
      });
      const after = (await c.eng1.get(`/api/releases/${id}/plans`)).body.plans;
      expect(after.map((p: { version: number; status: string }) => [p.version, p.status])).toEqual([
        [2, 'draft'],
        [1, 'approved'],
      ]);
      expect(after[0].drafterName).toBe(revised.winner.who);
    });

    it(`RB-2 RB-5 ${WORDS[n]} parallel decisions on one trigger, then ${WORDS[n]} parallel failed-rollback closes, across two nodes: exactly one of each wins, the others get 409 naming the winner`, async () => {
      const r = await implementing();
      const raise = async (summary: string) => {
        const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
          kind: 'function_unusable',
          summary,
        });
        expect(raised.status, JSON.stringify(raised.body)).toBe(200);
        return raised.body.id as string;
      };
      const first = await raise('转账偶发超时');
      const decisions = await race(n, ['boss', 'boss2'], (client, i) =>
        client.post(`/api/releases/${r.id}/triggers/${first}/decision`, {
          decision: 'continue',
          reason: `影响有限 ${i}`,
        }),
      );
      const decided = await exactlyOneWins(decisions, {
        success: 'release.decide_continue',
        refusal: 'release.decide_rollback',
        entityId: r.id,
      });
      const trigger = (await c.boss.get(`/api/releases/${r.id}/rollback`)).body.triggers[0];
      expect(trigger).toMatchObject({ decision: 'continue', decidedBy: decided.winner.who });
      expect(decided.details).toMatchObject({
        rule: 'RB-2 one decision per trigger',
        decision: 'continue',
        decidedBy: decided.winner.who,
        decidedAt: trigger.decidedAt,
        at: trigger.decidedAt,
      });
      // The winner's reason is the one kept.
      expect(trigger.decisionReason).toBe(`影响有限 ${decided.winner.i}`);

      const second = await raise('转账不可用');
      const rollback = await c.boss.post(`/api/releases/${r.id}/triggers/${second}/decision`, {
        decision: 'rollback',
        reason: '回退',
      });
      expect(rollback.status, JSON.stringify(rollback.body)).toBe(200);
      const failures = await race(n, ['boss', 'boss2'], (client, i) =>
        client.post(`/api/releases/${r.id}/rollback/fail`, { reason: `无法恢复 ${i}` }),
      );
      const failed = await exactlyOneWins(failures, {
        success: 'release.fail_rollback',
        refusal: 'release.fail_rollback',
        entityId: r.id,
      });
      expect(failed.details).toMatchObject({
        rule: 'release lifecycle',
        action: 'fail_rollback',
        state: 'closed',
      });
      const problems = await rows('problem_records', r.id);
      expect(problems).toHaveLength(1);
      expect(problems[0].created_by).toBe(failed.winner.who);
      expect(await rows('release_closures', r.id)).toHaveLength(1);
      expect(await rows('release_records', r.id)).toHaveLength(1);
    });

    it(`PO-1 PO-2 PO-3 CL-1 KP-1 ${WORDS[n]} parallel callers for each of user acceptance, CMDB update, archive and close across two nodes: exactly one of each wins, the others get 409 naming the winner`, async () => {
      const r = await implementing();
      await runStep(c.impl, r.id, 'implementation', 0);
      await runStep(c.impl, r.id, 'implementation', 1);
      const done = await c.impl.post(`/api/releases/${r.id}/implementation/complete`);
      expect(done.body.state).toBe('post_release');
      for (const key of ['functional', 'performance', 'business']) {
        const v = await c.eng1.post(`/api/releases/${r.id}/verifications/${key}`, {
          result: 'passed',
          note: `${key} 正常`,
        });
        expect(v.status, JSON.stringify(v.body)).toBe(200);
      }
      const view = async () => (await c.boss.get(`/api/releases/${r.id}/post-release`)).body;

      const signoffs = await race(n, ['biz', 'biz2'], (client) =>
        client.post(`/api/releases/${r.id}/acceptance`, { accepted: true, department: '零售业务部' }),
      );
      const signed = await exactlyOneWins(signoffs, {
        success: 'release.sign_acceptance',
        refusal: 'release.sign_acceptance',
        entityId: r.id,
      });
      const acceptances = (await view()).verifications.history.filter(
        (v: { itemKey: string }) => v.itemKey === 'user_acceptance',
      );
      expect(acceptances).toHaveLength(1);
      expect(signed.details).toMatchObject({ rule: 'PO-1 user acceptance', at: acceptances[0].at });

      const updates = await race(n, ['cfg', 'cfg2'], (client) =>
        client.post(`/api/releases/${r.id}/cmdb-update/complete`, {}),
      );
      const updated = await exactlyOneWins(updates, {
        success: 'release.complete_cmdb_update',
        refusal: 'release.complete_cmdb_update',
        entityId: r.id,
      });
      const task = (await view()).cmdbUpdate;
      expect(task).toMatchObject({ doneBy: updated.winner.who });
      expect(updated.details).toMatchObject({ rule: 'PO-2 CMDB update task', at: task.doneAt });
      // The CI's version changed once, with one history entry naming the release.
      expect(await successes('cmdb.ci_update', r.ciId)).toBe(1);

      const archives = await race(n, ['eng1', 'eng2'], (client) =>
        client.post(`/api/releases/${r.id}/archive`),
      );
      const archived = await exactlyOneWins(archives, {
        success: 'release.archive',
        refusal: 'release.archive',
        entityId: r.id,
      });
      expect(archived.details).toMatchObject({ rule: 'PO-3 archive', at: (await view()).archive.archivedAt });

      const closes = await race(n, ['boss', 'boss2'], (client, i) =>
        client.post(`/api/releases/${r.id}/close`, {
          outcome: i % 3 === 0 ? 'failed' : 'successful',
          analysis: `关闭 ${i}`,
        }),
      );
      const closed = await exactlyOneWins(closes, {
        success: `release.${closes.attempts.find((a) => a.reply.status === 200)!.reply.body.outcome === 'failed' ? 'close_failed' : 'close_successful'}`,
        refusal: 'release.close',
        entityId: r.id,
      });
      const closures = await rows('release_closures', r.id);
      expect(closures).toHaveLength(1);
      expect(closures[0].closed_by).toBe(closed.winner.who);
      expect(closed.details).toMatchObject({
        rule: 'release lifecycle',
        state: 'closed',
        at: closures[0].closed_at,
      });
      // KP-1: the quarter's measures count the release once.
      expect(await rows('release_records', r.id)).toHaveLength(1);
      // CL-2: the report is generated and the archive sealed once, by the job the winner queued,
      // however many runners look for it at once.
      t.clock.set(new Date()); // the job is due by the servers' (real) clock
      await Promise.all([t.app.jobs.runDue(), t.app.jobs.runDue()]);
      const reports = (await view()).archiveItems.filter((i: { kind: string }) => i.kind === 'report');
      expect(reports).toHaveLength(2);
      expect(
        await t.database.db.kysely
          .selectFrom('audit_events')
          .select('id')
          .where('action', '=', 'release.seal_archive')
          .where('entity_id', '=', r.id)
          .execute(),
      ).toHaveLength(1);
    });

    it(`IN-1 DS-1 PC-1 PO-4 ${WORDS[n]} parallel CAB votes on one change, approvals of one DSL version, approvals of one policy version and publications of one article across two nodes: the change is approved once, one approval of each and one publication win, every late caller gets 409 naming the winner`, async () => {
      const created = await c.eng1.post('/api/changes', {
        title: '并发评审',
        description: 'CAB',
        risk: 'low',
      });
      const changeId = created.body.id as string;
      expect((await c.eng1.post(`/api/changes/${changeId}/submit`)).status).toBe(200);
      const votes = await race(n, ['cab1', 'cab2', 'cab3', 'cab4'], (client) =>
        client.post(`/api/changes/${changeId}/votes`, { decision: 'approve', comment: '同意' }),
      );
      noServerErrors(votes);
      const counted = votes.attempts.filter((v) => v.reply.status === 200);
      const late = votes.attempts.filter((v) => v.reply.status !== 200);
      const change = (await c.eng1.get(`/api/changes/${changeId}`)).body;
      expect(change.state).toBe('approved');
      expect(counted.length).toBeGreaterThanOrEqual(2);
      expect(await successes('change.approve', changeId)).toBe(1);
      // A member voting again before the quorum is a changed vote (IN-1: kept, audited as such).
      expect(
        (await successes('change.vote', changeId)) + (await successes('change.change_vote', changeId)),
      ).toBe(counted.length);
      expect(await refusals('change.vote', votes.since)).toHaveLength(late.length);
      expect(await verifyChain(t.database.db.kysely)).toMatchObject({ ok: true });
      for (const v of late)
        expect(v.reply.body.error).toMatchObject({
          code: 'conflict',
          details: {
            reason: 'already_done',
            action: 'approve',
            by: change.approvedBy.join(', '),
            at: change.approvedAt,
          },
        });

      const artifact = Buffer.from(`dsl ${n} ${Math.random()}`);
      const version = (
        await c.eng1.post('/api/dsl/versions', {
          name: 'ledger',
          version: `${n}.${createHash('sha256').update(artifact).digest('hex').slice(0, 8)}`,
        })
      ).body;
      expect((await c.eng1.upload('PUT', `/api/dsl/versions/${version.id}/content`, artifact)).status).toBe(
        200,
      );
      const approvals = await race(n, ['boss', 'boss2'], (client) =>
        client.post(`/api/dsl/versions/${version.id}/approve`, {}),
      );
      const approved = await exactlyOneWins(approvals, {
        success: 'dsl.version_approve',
        refusal: 'dsl.version_approve',
        entityId: version.id,
      });
      expect(approved.details).toMatchObject({
        rule: 'DS-1 one review decision per version',
        action: 'approve',
      });

      // A version in force only in 2099: the releases of this test keep the one they run under.
      const draft = await c.eng1.post('/api/policy/versions', {
        version: `V9.${n}`,
        effectiveDate: '2099-01-01',
        change: '并发审批',
        rules: XDYJ_06_01_V1.rules,
      });
      expect(draft.status, JSON.stringify(draft.body)).toBe(201);
      const policyApprovals = await race(n, ['boss', 'boss2'], (client) =>
        client.post(`/api/policy/versions/${draft.body.id}/approve`),
      );
      const policyApproved = await exactlyOneWins(policyApprovals, {
        success: 'policy.approve',
        refusal: 'policy.approve',
        entityId: draft.body.id,
      });
      expect(policyApproved.details).toMatchObject({ rule: 'PC-1 policy approval', action: 'approve' });

      const article = (
        await c.eng1.post('/api/knowledge/articles', { title: '并发发布经验', body: '正文', kind: 'lesson' })
      ).body;
      const publications = await race(n, ['eng1', 'eng2'], (client) =>
        client.post(`/api/knowledge/articles/${article.id}/publish`, { version: 1 }),
      );
      const published = await exactlyOneWins(publications, {
        success: 'knowledge.article_publish',
        refusal: 'knowledge.article_publish',
        entityId: article.id,
      });
      expect(published.details).toMatchObject({ action: 'published', currentVersion: 2 });
    });
  }
});
