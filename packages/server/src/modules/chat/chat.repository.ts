import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { ChatVendor } from './chat.grants';

type Q = Kysely<Database>;

/**
 * Records a callback by its id; false when it was recorded before (a replay). Callbacks older than
 * `forgetBefore` are forgotten on the way: by then any button they pressed has expired.
 */
export async function recordCallback(
  q: Q,
  vendor: ChatVendor,
  callbackId: string,
  at: string,
  forgetBefore: string,
): Promise<boolean> {
  await q.deleteFrom('chat_callbacks').where('received_at', '<', forgetBefore).execute();
  const inserted = await q
    .insertInto('chat_callbacks')
    .values({ vendor, callback_id: callbackId, received_at: at })
    .onConflict((oc) => oc.columns(['vendor', 'callback_id']).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
}

const BOUND_COLUMN = {
  feishu: 'feishu_user_id',
  wecom: 'wecom_user_id',
  dingtalk: 'dingtalk_user_id',
} as const;

/**
 * The accounts bound to this chat identity (more than one: ambiguous; none: unbound), with when
 * their binding was confirmed by the security administrator (null: not confirmed).
 */
export async function accountsBoundTo(q: Q, vendor: ChatVendor, vendorUserIds: readonly string[]) {
  const ids = vendorUserIds.filter((id) => id !== '');
  if (ids.length === 0) return [];
  return q
    .selectFrom('users')
    .select(['id', 'username', 'chat_ids_confirmed_at'])
    .where(BOUND_COLUMN[vendor], 'in', ids)
    .orderBy('username')
    .limit(3)
    .execute();
}
