import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { SESSIONS_FOR_A_DAY } from '../../test/implementation';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import { notify, type NotificationInput } from './notify';
import { DIGEST_JOB, nextDigestAt } from './notification.digest';
import { startSmtpSink, type SmtpSink } from './testing/receivers';

/** Information (decision 0018): a state change, read in the digest rather than the bell. */
const info = (n: number): NotificationInput => ({
  kind: 'state_changed',
  title: { zh: `REL-2026-000${n} 已批准`, en: `REL-2026-000${n} is approved` },
  body: { zh: '计划审批中 → 已批准', en: 'plan review → approved' },
  link: `/releases/r${n}`,
  audience: { roles: ['operations_manager'] },
});

describe('the digest hour', () => {
  it('X-2 the daily digest is due at the configured hour of the Beijing day, the next one after now', () => {
    // 09:59 Beijing (01:59Z): due at 18:00 Beijing (10:00Z) the same day.
    expect(nextDigestAt(new Date('2026-02-01T01:59:00Z'), 18).toISOString()).toBe('2026-02-01T10:00:00.000Z');
    // 18:00 Beijing exactly: the next day's.
    expect(nextDigestAt(new Date('2026-02-01T10:00:00Z'), 18).toISOString()).toBe('2026-02-02T10:00:00.000Z');
    // 23:30Z is 07:30 Beijing the next day: due at 08:00 Beijing that day.
    expect(nextDigestAt(new Date('2026-02-01T23:30:00Z'), 8).toISOString()).toBe('2026-02-02T00:00:00.000Z');
  });
});

describe.each(DIALECTS)('the daily digest e-mail (X-2) on %s', (dialect) => {
  let t: TestApp;
  let smtp: SmtpSink | undefined;
  afterEach(async () => {
    await t?.close();
    await smtp?.stop();
  });

  const user = async (name: string, email?: string) => {
    const u = await t.seedUser(name, ['operations_manager']);
    if (email)
      await t.database.db.kysely.updateTable('users').set({ email }).where('id', '=', u.id).execute();
    const client = new HttpClient(t.url);
    expect((await client.login(name)).status).toBe(200);
    return { ...u, client };
  };
  const send = (i: NotificationInput) =>
    t.database.db.kysely.transaction().execute((trx) => notify(trx, t.clock, i));
  const drain = async () => {
    let total = 0;
    for (let ran = await t.app.jobs.runDue(); ran > 0; ran = await t.app.jobs.runDue()) total += ran;
    return total;
  };
  const digestJobs = () =>
    t.database.db.kysely
      .selectFrom('jobs')
      .select(['key', 'state'])
      .where('kind', '=', DIGEST_JOB)
      .orderBy('key')
      .execute();

  it('X-2 once a day, each user with an address gets one e-mail of what they have not read; read items, to-dos and users who turned it off get none', async () => {
    smtp = await startSmtpSink();
    t = await startTestApp(dialect, { ...SESSIONS_FOR_A_DAY, SMTP_URL: smtp.url, NOTIFY_DIGEST_HOUR: '18' });
    t.clock.set('2026-02-01T01:00:00Z'); // 09:00 Beijing
    const mgr = await user('mgr', 'mgr@example.com');
    const quiet = await user('quiet', 'quiet@example.com');
    await user('nomail');
    // One user turns the digest off (audited with the other preferences).
    const off = await quiet.client.request('PUT', '/api/notifications/preferences', {
      kinds: [{ kind: 'state_changed', inApp: true, email: false }],
      digest: false,
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    expect(off.body.digest).toBe(false);
    expect((await mgr.client.get('/api/notifications/preferences')).body.digest).toBe(true);

    await t.app.digest.start();
    // Started on two nodes (twice): still one job for the day.
    await t.app.digest.start();
    expect(await digestJobs()).toEqual([{ key: `${DIGEST_JOB}:2026-02-01T10:00:00.000Z`, state: 'pending' }]);

    for (const n of [1, 2, 3]) {
      t.clock.advanceMinutes(30);
      await send(info(n));
    }
    // A to-do is not information: it was e-mailed at once, not in the digest.
    await send({ ...info(9), kind: 'approval_waiting', todo: { key: 'test:r9:approve' } });
    // mgr reads one of the three.
    const first = (await mgr.client.get('/api/notifications?limit=50')).body.items.find(
      (n: { title: { zh: string } }) => n.title.zh === 'REL-2026-0001 已批准',
    );
    expect((await mgr.client.post(`/api/notifications/${first.id}/read`)).status).toBe(200);

    await drain(); // the to-do's e-mails
    const before = smtp.messages().length;
    t.clock.set('2026-02-01T10:00:00Z');
    await drain();
    const digests = smtp.messages().slice(before);
    expect(digests.map((m) => m.rcptTos)).toEqual([['mgr@example.com']]);
    expect(digests[0].subject).toBe('【发布管理平台】动态摘要：过去 24 小时 2 条未读动态');
    expect(digests[0].text).toContain('10:00  REL-2026-0002 已批准');
    expect(digests[0].text).toContain('10:30  REL-2026-0003 已批准');
    expect(digests[0].text).not.toContain('REL-2026-0001');
    expect(digests[0].text).not.toContain('REL-2026-0009');
    // Done for the day, the next day's job waits; running jobs again sends nothing more.
    expect(await digestJobs()).toEqual([
      { key: `${DIGEST_JOB}:2026-02-01T10:00:00.000Z`, state: 'done' },
      { key: `${DIGEST_JOB}:2026-02-02T10:00:00.000Z`, state: 'pending' },
    ]);
    await drain();
    expect(smtp.messages().length).toBe(before + 1);
  });

  it('X-2 NOTIFY_DIGEST_HOUR=off schedules no digest', async () => {
    t = await startTestApp(dialect, { NOTIFY_DIGEST_HOUR: 'off' });
    await t.app.digest.start();
    expect(await digestJobs()).toEqual([]);
  });
});
