import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { appWithUser, expectCursorWalks, expectForeignCursorsRefused } from '../../test/pages';
import type { HttpClient, TestApp } from '../../test/test-app';
import { insertNotifications, type NotificationCategory } from './notification.repository';

describe.each(DIALECTS)('notification inbox pages on %s', (dialect) => {
  let t: TestApp;
  let eng: HttpClient;
  let userId: string;
  let added = 0;

  beforeEach(async () => {
    ({ t, client: eng } = await appWithUser(dialect, 'eng', ['operations_engineer']));
    const user = await t.database.db.kysely
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'eng')
      .executeTakeFirstOrThrow();
    userId = user.id;
    added = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  /** A notice for the user: a to-do (open, or done) or information. */
  const notice = async (title: string, category: NotificationCategory, done = false) => {
    const at = t.clock.now().toISOString();
    await insertNotifications(t.database.db.kysely, [
      {
        id: randomUUID(),
        eventId: randomUUID(),
        userId,
        kind: 'approval_waiting',
        title: { zh: title, en: title },
        body: { zh: title, en: title },
        link: null,
        releaseId: null,
        createdAt: at,
        readAt: null,
        category,
        todoKey: null,
        doneAt: done ? at : null,
        doneBy: null,
      },
    ]);
  };
  const addOne = async () => {
    added++;
    await notice(`added ${added}`, 'todo', added % 2 === 0);
  };

  it('X-2 a cursor walk returns every notice once, open to-dos first, then the newest, while notices arrive', async () => {
    for (let i = 0; i < 6; i++) {
      await notice(`todo ${i}`, 'todo', i % 2 === 1);
      if (i % 2) t.clock.advanceMinutes(1);
    }
    const todos = (await eng.get('/api/notifications?category=todo&limit=200')).body;
    expect(todos.items.map((n: any) => n.title.en)).toEqual([
      'todo 4',
      'todo 2',
      'todo 0',
      'todo 5',
      'todo 3',
      'todo 1',
    ]);
    expect(todos).toMatchObject({ todo: 3, nextCursor: null });
    await expectCursorWalks(eng, '/api/notifications?category=todo', ['-createdAt', 'createdAt'], addOne);
    await expectCursorWalks(eng, '/api/notifications', ['-createdAt'], addOne, 3);
  });

  it('X-2 a forged cursor or one of another order or filter is refused naming the rule; limits are 1 to 200', async () => {
    for (let i = 0; i < 3; i++) await notice(`todo ${i}`, 'todo');
    await expectForeignCursorsRefused(eng, '/api/notifications', '-createdAt', 'createdAt', {
      category: 'info',
    });
  });
});
