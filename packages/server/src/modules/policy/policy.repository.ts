import type { Kysely, Selectable } from 'kysely';
import { withRuleDefaults, type PolicyDocument } from '@releasegate/domain';
import type { Database, PolicyVersionsTable } from '../../db/schema';

type Q = Kysely<Database>;

export interface PolicyVersion {
  id: string;
  status: 'draft' | 'approved';
  effectiveDate: string;
  document: PolicyDocument;
  createdBy: string | null;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
}

const toVersion = (r: Selectable<PolicyVersionsTable>): PolicyVersion => ({
  id: r.id,
  status: r.status === 'approved' ? 'approved' : 'draft',
  effectiveDate: r.effective_date,
  document: withRuleDefaults(JSON.parse(r.document) as PolicyDocument),
  createdBy: r.created_by,
  createdAt: r.created_at,
  approvedBy: r.approved_by,
  approvedAt: r.approved_at,
});

export async function insertPolicy(q: Q, v: PolicyVersion): Promise<void> {
  await q
    .insertInto('policy_versions')
    .values({
      id: v.id,
      number: v.document.number,
      version: v.document.version,
      status: v.status,
      effective_date: v.effectiveDate,
      document: JSON.stringify(v.document),
      created_by: v.createdBy,
      created_at: v.createdAt,
      approved_by: v.approvedBy,
      approved_at: v.approvedAt,
    })
    .execute();
}

export async function approvePolicy(
  q: Q,
  id: string,
  by: string,
  at: string,
  document: PolicyDocument,
): Promise<boolean> {
  const r = await q
    .updateTable('policy_versions')
    .set({ status: 'approved', approved_by: by, approved_at: at, document: JSON.stringify(document) })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Reads a version for update: a no-op write takes its row lock on PostgreSQL (SQLite transactions
 * already begin IMMEDIATE), so two managers approving at once approve one after the other.
 */
export async function lockPolicy(q: Q, id: string): Promise<PolicyVersion | undefined> {
  const r = await q
    .updateTable('policy_versions')
    .set((eb) => ({ status: eb.ref('status') }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return r && toVersion(r);
}

export async function findPolicy(q: Q, id: string): Promise<PolicyVersion | undefined> {
  const r = await q.selectFrom('policy_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toVersion(r);
}

export async function findPolicyByVersion(
  q: Q,
  number: string,
  version: string,
): Promise<PolicyVersion | undefined> {
  const r = await q
    .selectFrom('policy_versions')
    .selectAll()
    .where('number', '=', number)
    .where('version', '=', version)
    .executeTakeFirst();
  return r && toVersion(r);
}

export async function listPolicies(q: Q): Promise<PolicyVersion[]> {
  return (
    await q
      .selectFrom('policy_versions')
      .selectAll()
      .orderBy('effective_date', 'desc')
      .orderBy('created_at', 'desc')
      .execute()
  ).map(toVersion);
}

/** The approved version in force on a day (YYYY-MM-DD): the latest effective on or before it. */
export async function policyInForce(q: Q, day: string): Promise<PolicyVersion | undefined> {
  const r = await q
    .selectFrom('policy_versions')
    .selectAll()
    .where('status', '=', 'approved')
    .where('effective_date', '<=', day)
    .orderBy('effective_date', 'desc')
    .orderBy('approved_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return r && toVersion(r);
}
