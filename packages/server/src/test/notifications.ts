import type { TestApp } from './test-app';

/** The "approval waiting" notices that link to `link`, with their recipients, by username. */
export function waitingNotices(t: TestApp, link: string) {
  return t.database.db.kysely
    .selectFrom('notifications')
    .innerJoin('users', 'users.id', 'notifications.user_id')
    .select(['users.username', 'notifications.title_zh', 'notifications.title_en', 'notifications.link'])
    .where('notifications.kind', '=', 'approval_waiting')
    .where('notifications.link', '=', link)
    .execute()
    .then((rows) => rows.sort((x, y) => (x.username < y.username ? -1 : 1)));
}
