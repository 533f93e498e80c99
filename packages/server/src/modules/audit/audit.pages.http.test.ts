import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';
import { systemContext } from '../../context';
import { recordStandalone } from './audit.service';

describe.each(DIALECTS)('audit trail pages on %s', (dialect) => {
  let t: TestApp;
  let auditor: HttpClient;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: auditor } = await appWithUser(dialect, 'aud', ['auditor']));
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  /** An event written while a walk is under way, as any action would write it. */
  const record = (entityId: string) =>
    recordStandalone(t.database.db, t.app.audit, systemContext(), {
      action: 'calendar.freeze_create',
      entityType: 'freeze_window',
      entityId,
    });
  const addOne = async () => {
    added++;
    await record(`fw-added-${added}`);
  };

  it('X-1 a cursor walk returns every event once, in order, while events are written — newest or oldest first, filtered or not', async () => {
    for (let i = 0; i < 7; i++) await record(`fw-${i}`);
    const newest = (await auditor.get('/api/audit/events?action=calendar.freeze_create&limit=200')).body;
    expect(newest.items.map((e: any) => e.entityId)).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `fw-${i}`));
    expect(newest.nextCursor).toBeNull();
    // Every read is itself written to the trail (audit.read), so the unfiltered walk grows as it goes.
    await expectCursorWalks(auditor, '/api/audit/events', ['-seq', 'seq'], addOne, 3);
    await expectCursorWalks(
      auditor,
      '/api/audit/events?action=calendar.freeze_create',
      ['-seq', 'seq'],
      addOne,
    );
  });

  it('X-1 a forged cursor or one of another order or filter is refused naming the rule; limits are 1 to 200', async () => {
    for (let i = 0; i < 3; i++) await record(`fw-${i}`);
    await expectForeignCursorsRefused(auditor, '/api/audit/events', '-seq', 'seq', { outcome: 'denied' });
  });
});
