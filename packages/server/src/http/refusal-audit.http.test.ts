import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../test/databases';
import { startTestApp, type TestApp } from '../test/test-app';
import { requestedRelease, signInRoles } from '../test/releases';

/** PR-3: a refused action is on the audit trail once, naming the object it was about. */
describe.each(DIALECTS)('refusals audited with the object they concern, on %s', (dialect) => {
  let t: TestApp;
  let c: Awaited<ReturnType<typeof signInRoles>>;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    c = await signInRoles(t);
  });
  afterEach(async () => {
    await t.close();
  });

  /** The trail's events after the first `count` (seq counts from 1 without gaps, PR-3). */
  const eventCount = async () =>
    (await t.database.db.kysely.selectFrom('audit_events').select('seq').execute()).length;
  const eventsAfter = (count: number) =>
    t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'entity_type', 'entity_id', 'actor_name'])
      .where('seq', '>', count)
      .orderBy('seq')
      .execute();

  /** The one event a refusal of `action` on the release by `actor` leaves. */
  const refusal = (action: string, releaseId: string, actor: string) => ({
    action,
    outcome: 'denied',
    entity_type: 'release',
    entity_id: releaseId,
    actor_name: actor,
  });

  it('PR-3 a refused action on a release writes exactly one audit event, naming that release', async () => {
    const r = await requestedRelease(c);
    const before = await eventCount();
    // RO-4: the requester may not accept their own request.
    const own = await c.eng1.post(`/api/releases/${r.id}/accept`, {});
    expect(own.status, JSON.stringify(own.body)).toBe(422);
    expect(await eventsAfter(before)).toEqual([refusal('release.accept', r.id, 'eng1')]);
  });

  it('PR-3 a release addressed by its number is named by its id, as its other events name it', async () => {
    const r = await requestedRelease(c);
    const before = await eventCount();
    const forbidden = await c.cab1.post(`/api/releases/${r.number}/cancel`, { reason: '不需要了' });
    expect(forbidden.status, JSON.stringify(forbidden.body)).toBe(403);
    expect(await eventsAfter(before)).toEqual([refusal('release.cancel', r.id, 'cab1')]);
  });
});
