import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export interface CheckResult {
  seq: number;
  planVersion: number;
  itemKey: string;
  result: 'passed' | 'failed';
  note: string | null;
  link: string | null;
  evidence: { digest: string; filename: string | null } | null;
  actorName: string;
  at: string;
}

export async function insertCheck(
  q: Kysely<Database>,
  releaseId: string,
  c: Omit<CheckResult, 'seq'> & { actorId: string },
): Promise<void> {
  await q
    .insertInto('release_checks')
    .values({
      release_id: releaseId,
      plan_version: c.planVersion,
      item_key: c.itemKey,
      result: c.result,
      note: c.note,
      link: c.link,
      evidence_digest: c.evidence?.digest ?? null,
      evidence_filename: c.evidence?.filename ?? null,
      actor_id: c.actorId,
      actor_name: c.actorName,
      at: c.at,
    })
    .execute();
}

/** Every recorded result for the plan version, oldest first (the latest per item counts). */
export async function checksOf(
  q: Kysely<Database>,
  releaseId: string,
  planVersion: number,
): Promise<CheckResult[]> {
  const rows = await q
    .selectFrom('release_checks')
    .selectAll()
    .where('release_id', '=', releaseId)
    .where('plan_version', '=', planVersion)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    planVersion: r.plan_version,
    itemKey: r.item_key,
    result: r.result === 'passed' ? 'passed' : 'failed',
    note: r.note,
    link: r.link,
    evidence: r.evidence_digest ? { digest: r.evidence_digest, filename: r.evidence_filename } : null,
    actorName: r.actor_name,
    at: r.at,
  }));
}

/** The latest result of each item. */
export function latestByItem(results: CheckResult[]): Map<string, CheckResult> {
  const latest = new Map<string, CheckResult>();
  for (const r of results) latest.set(r.itemKey, r);
  return latest;
}

/** The file name an evidence digest was cited with by the release (pre- or post-release), if it was. */
export async function evidenceCitation(
  q: Kysely<Database>,
  releaseId: string,
  digest: string,
): Promise<{ filename: string | null } | undefined> {
  const pre = await q
    .selectFrom('release_checks')
    .select('evidence_filename as filename')
    .where('release_id', '=', releaseId)
    .where('evidence_digest', '=', digest)
    .executeTakeFirst();
  if (pre) return pre;
  return q
    .selectFrom('release_verifications')
    .select('evidence_filename as filename')
    .where('release_id', '=', releaseId)
    .where('evidence_digest', '=', digest)
    .executeTakeFirst();
}
