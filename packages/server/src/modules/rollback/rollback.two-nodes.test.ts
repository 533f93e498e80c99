import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { startTestApp, type TestApp } from '../../test/test-app';
import { signInRoles } from '../../test/releases';
import { SESSIONS_FOR_A_DAY, readyRelease } from '../../test/implementation';
import { spawnServers, stopServer, type ServerProcess } from '../../test/server-process';

// Several server nodes share one database only on PostgreSQL (SQLite is the one-node mode): the
// test is skipped unless TEST_DATABASE_URL names a PostgreSQL server (CI always does).
describe.skipIf(!DIALECTS.includes('postgres'))('the rollback decision deadline across server nodes', () => {
  let t: TestApp;
  const nodes: ServerProcess[] = [];
  beforeEach(async () => {
    t = await startTestApp('postgres', SESSIONS_FOR_A_DAY);
    t.clock.set('2026-02-01T14:30:00Z');
  });
  afterEach(async () => {
    for (const node of nodes.splice(0)) await stopServer(node, 'SIGKILL');
    await t.close();
  });

  it('RB-2 two server processes on one PostgreSQL: the escalation and the deadline of a decision each fire exactly once', async () => {
    const c = await signInRoles(t);
    const r = await readyRelease(t, c);
    expect((await c.impl.post(`/api/releases/${r.id}/implementation/start`)).status).toBe(200);
    // Now on the real clock (the server processes run on it): found 31 minutes ago, the decision
    // was due a minute ago and its escalation 11 minutes ago.
    t.clock.set(new Date());
    await c.impl.login('impl');
    const raised = await c.impl.post(`/api/releases/${r.id}/triggers`, {
      kind: 'function_unusable',
      summary: '转账不可用',
      discoveredAt: new Date(Date.now() - 31 * 60_000).toISOString(),
    });
    expect(raised.status, JSON.stringify(raised.body)).toBe(200);
    await spawnServers(2, { ...t.database.env, JOBS_POLL_MS: '20' }, nodes);
    const fired = () =>
      t.database.db.kysely
        .selectFrom('audit_events')
        .select('action')
        .where('entity_id', '=', r.id)
        .where('action', 'in', [
          'release.escalate_rollback_decision',
          'release.mark_rollback_decision_overdue',
        ])
        .execute();
    await vi.waitFor(async () => expect(await fired()).toHaveLength(2), { timeout: 30_000, interval: 100 });
    // Both nodes kept polling meanwhile; nothing fires a second time.
    const jobs = await t.database.db.kysely
      .selectFrom('jobs')
      .select(['state', 'attempts'])
      .where('key', 'like', `rollback:${raised.body.id}:%`)
      .execute();
    expect(jobs).toEqual([
      { state: 'done', attempts: 1 },
      { state: 'done', attempts: 1 },
    ]);
    expect((await fired()).map((e) => e.action).sort()).toEqual([
      'release.escalate_rollback_decision',
      'release.mark_rollback_decision_overdue',
    ]);
    const trigger = (await c.impl.get(`/api/releases/${r.id}/rollback`)).body.triggers[0];
    expect(trigger).toMatchObject({ escalations: 2, overdue: true });
    const missed = await t.database.db.kysely
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select('users.username')
      .where('notifications.kind', '=', 'deadline_missed')
      .execute();
    expect(missed.map((m) => m.username)).toEqual(['boss']);
  });
});
