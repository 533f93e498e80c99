import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { systemContext } from '../../context';
import type { AuditAction } from './audit.actions';
import { recordStandalone } from './audit.service';

describe.each(DIALECTS)('the auditor reads the audit log over HTTP on %s', (dialect) => {
  let t: TestApp;
  let auditor: HttpClient;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    await t.seedUser('sec', ['security_administrator']);
    await t.seedUser('aud', ['auditor']);
    const sec = new HttpClient(t.url);
    await sec.login('sec');
    for (let i = 0; i < 5; i++) {
      t.clock.advanceMinutes(1);
      await sec.post('/api/users', {
        username: `user${i}`,
        displayName: `用户${i}`,
        roles: ['cab_member'],
        password: 'a long enough password',
      });
    }
    await new HttpClient(t.url).login('user0', 'wrong wrong wrong');
    auditor = new HttpClient(t.url);
    await auditor.login('aud');
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-1 filters by action, outcome and actor, newest first, with keyset pagination', async () => {
    const created = await auditor.get('/api/audit/events?action=user.create&actor=sec');
    expect(created.status).toBe(200);
    expect(created.body.items.map((e: any) => e.after.username)).toEqual([
      'user4',
      'user3',
      'user2',
      'user1',
      'user0',
    ]);
    expect(created.body.items[0]).toMatchObject({
      actorName: 'sec',
      actorRoles: ['security_administrator'],
      sourceIp: '127.0.0.1',
      outcome: 'success',
    });
    expect(created.body.items[0].after).not.toHaveProperty('passwordHash');
    // The actor by id finds the same events as by name.
    const byId = await auditor.get(
      `/api/audit/events?action=user.create&actor=${created.body.items[0].actorId as string}`,
    );
    expect(byId.body.items.map((e: any) => e.id)).toEqual(created.body.items.map((e: any) => e.id));

    const page1 = await auditor.get('/api/audit/events?action=user.create&limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await auditor.get(
      `/api/audit/events?action=user.create&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items.map((e: any) => e.after.username)).toEqual(['user2', 'user1']);

    const denied = await auditor.get('/api/audit/events?outcome=denied');
    expect(denied.body.items).toEqual([
      expect.objectContaining({ action: 'identity.login', actorName: 'user0' }),
    ]);

    // Underscores and percent signs in filters are literal, not wildcards.
    const exact = await auditor.get('/api/audit/events?action=identity.login&outcome=denied');
    expect(exact.body.items.map((e: any) => e.action)).toEqual(['identity.login']);
    expect((await auditor.get('/api/audit/events?action=identity.logi_')).body.items).toEqual([]);
    expect((await auditor.get('/api/audit/events?action=identity.login%25')).body.items).toEqual([]);
    // A bare `%` is not percent-encoding: refused at the edge, naming the parameter.
    const malformed = await auditor.get('/api/audit/events?action=identity.login%');
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toContain('action');
    expect(
      (await auditor.get('/api/audit/events?text=IDENTITY.LOGIN&outcome=denied')).body.items.map(
        (e: any) => e.action,
      ),
    ).toEqual(['identity.login']);

    const bad = await auditor.get('/api/audit/events?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.from).toBeDefined();
  });

  it('X-1 exports CSV (Excel-ready, with Chinese) and JSON Lines; the export is itself audited', async () => {
    const csv = await auditor.get('/api/audit/export?format=csv&action=user.create');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="audit-.*\.csv"/);
    const lines = (csv.body as string)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^seq,occurredAt,actorName/);
    // sec and aud (seeded through the CLI) and the five created by sec.
    expect(lines).toHaveLength(8);
    expect(lines[3]).toContain('用户0');

    const jsonl = await auditor.get('/api/audit/export?format=jsonl');
    const events = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const exported = await auditor.get('/api/audit/events?action=audit.export');
    expect(exported.body.items).toHaveLength(2);
    expect(exported.body.items[0].details).toMatchObject({ format: 'jsonl' });
  });

  it('PR-3 an event recorded under an old name (decision 0022) reads and filters under its current name; the export and the chain keep what was hashed', async () => {
    await recordStandalone(t.database.db, t.app.audit, systemContext(), {
      // Written before the vocabulary was one: the writer no longer accepts the name.
      action: 'calendar.freeze_created' as AuditAction,
      entityType: 'freeze_window',
    });
    const listed = await auditor.get('/api/audit/events?action=calendar.freeze_create');
    expect(listed.body.items.map((e: any) => e.action)).toEqual(['calendar.freeze_create']);
    expect((await auditor.get('/api/audit/events?action=calendar.freeze_created')).body.items).toHaveLength(
      1,
    );
    const jsonl = await auditor.get('/api/audit/export?format=jsonl&action=calendar');
    const exported = (jsonl.body as string)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(exported.map((e) => e.action)).toEqual(['calendar.freeze_created']);
    expect((await auditor.get('/api/audit/verify')).body).toMatchObject({ ok: true });
  });

  it('X-1 verifies the chain on request; only the auditor reads the log', async () => {
    const verified = await auditor.get('/api/audit/verify');
    expect(verified.body).toMatchObject({ ok: true });
    expect(verified.body.eventsChecked).toBeGreaterThan(7);
    const sec = new HttpClient(t.url);
    await sec.login('sec');
    expect((await sec.get('/api/audit/events')).status).toBe(403);
    expect((await sec.get('/api/audit/export')).status).toBe(403);
  });
});
