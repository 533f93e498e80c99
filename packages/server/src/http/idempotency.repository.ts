import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

export interface IdempotencyRecord {
  route: string;
  requestHash: string;
  status: number | null;
  response: string | null;
  contentType: string | null;
}

/** Claims (principal, key) for a request now running; false when it was claimed before. */
export async function claimKey(
  q: Kysely<Database>,
  row: { principal: string; key: string; route: string; requestHash: string; createdAt: string },
): Promise<boolean> {
  const result = await q
    .insertInto('idempotency_keys')
    .values({
      principal: row.principal,
      key: row.key,
      route: row.route,
      request_hash: row.requestHash,
      status: null,
      response: null,
      content_type: null,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.columns(['principal', 'key']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findKey(
  q: Kysely<Database>,
  principal: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  const r = await q
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('principal', '=', principal)
    .where('key', '=', key)
    .executeTakeFirst();
  return (
    r && {
      route: r.route,
      requestHash: r.request_hash,
      status: r.status,
      response: r.response,
      contentType: r.content_type,
    }
  );
}

export async function completeKey(
  q: Kysely<Database>,
  principal: string,
  key: string,
  answer: { status: number; response: string; contentType: string | null },
): Promise<void> {
  await q
    .updateTable('idempotency_keys')
    .set({ status: answer.status, response: answer.response, content_type: answer.contentType })
    .where('principal', '=', principal)
    .where('key', '=', key)
    .execute();
}

export async function releaseKey(q: Kysely<Database>, principal: string, key: string): Promise<void> {
  await q.deleteFrom('idempotency_keys').where('principal', '=', principal).where('key', '=', key).execute();
}

/** Keys are kept a day (the draft's advice: long enough for any retry, not forever). */
export async function purgeKeysBefore(q: Kysely<Database>, before: string): Promise<void> {
  await q.deleteFrom('idempotency_keys').where('created_at', '<', before).execute();
}
