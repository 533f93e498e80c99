import type { Kysely, Selectable } from 'kysely';
import type { DslState } from '@releasegate/domain';
import type { Database, DslVersionsTable } from '../../db/schema';
import { containsText } from '../../db/like';
import {
  closePage,
  countRows,
  keysetPage,
  type KeyColumns,
  type KeysetPosition,
  type Page,
} from '../../db/keyset';

type Q = Kysely<Database>;

export interface DslVersion {
  id: string;
  name: string;
  version: string;
  description: string | null;
  source: string | null;
  kind: 'upload' | 'external';
  externalUrl: string | null;
  digest: string | null;
  size: number | null;
  filename: string | null;
  mediaType: string | null;
  state: DslState;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  retiredBy: string | null;
  retiredAt: string | null;
  retireReason: string | null;
}

const toVersion = (r: Selectable<DslVersionsTable>): DslVersion => ({
  id: r.id,
  name: r.name,
  version: r.version,
  description: r.description,
  source: r.source,
  kind: r.kind === 'external' ? 'external' : 'upload',
  externalUrl: r.external_url,
  digest: r.digest,
  size: r.size === null ? null : Number(r.size),
  filename: r.filename,
  mediaType: r.media_type,
  state: r.state as DslState,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionComment: r.decision_comment,
  retiredBy: r.retired_by,
  retiredAt: r.retired_at,
  retireReason: r.retire_reason,
});

const toRow = (v: DslVersion): Selectable<DslVersionsTable> => ({
  id: v.id,
  name: v.name,
  version: v.version,
  description: v.description,
  source: v.source,
  kind: v.kind,
  external_url: v.externalUrl,
  digest: v.digest,
  size: v.size,
  filename: v.filename,
  media_type: v.mediaType,
  state: v.state,
  created_by: v.createdBy,
  created_at: v.createdAt,
  updated_at: v.updatedAt,
  decided_by: v.decidedBy,
  decided_at: v.decidedAt,
  decision_comment: v.decisionComment,
  retired_by: v.retiredBy,
  retired_at: v.retiredAt,
  retire_reason: v.retireReason,
});

export async function insertVersion(q: Q, v: DslVersion): Promise<void> {
  await q.insertInto('dsl_versions').values(toRow(v)).execute();
}

/** Writes the new state of a version, but only if it is still in `expectedState` (no lost updates). */
export async function updateVersion(q: Q, v: DslVersion, expectedState: DslState): Promise<boolean> {
  const { id: _id, ...row } = toRow(v);
  const result = await q
    .updateTable('dsl_versions')
    .set(row)
    .where('id', '=', v.id)
    .where('state', '=', expectedState)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function deleteVersion(q: Q, id: string): Promise<void> {
  await q.deleteFrom('dsl_versions').where('id', '=', id).execute();
}

/**
 * Reads a version for update: a no-op write takes its row lock on PostgreSQL (SQLite transactions
 * already begin IMMEDIATE), so two reviewers deciding at once, on two nodes, decide one after the
 * other and the second sees the first's decision.
 */
export async function lockVersion(q: Q, id: string): Promise<DslVersion | undefined> {
  const row = await q
    .updateTable('dsl_versions')
    .set((eb) => ({ state: eb.ref('state') }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
  return row && toVersion(row);
}

export async function findVersion(q: Q, id: string): Promise<DslVersion | undefined> {
  const row = await q.selectFrom('dsl_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toVersion(row);
}

export async function findByNameVersion(
  q: Q,
  name: string,
  version: string,
): Promise<DslVersion | undefined> {
  const row = await q
    .selectFrom('dsl_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  return row && toVersion(row);
}

export async function findByDigest(q: Q, digest: string): Promise<DslVersion[]> {
  return (await q.selectFrom('dsl_versions').selectAll().where('digest', '=', digest).execute()).map(
    toVersion,
  );
}

export interface DslFilter {
  name?: string;
  state?: DslState;
  text?: string;
}

/** The orders the library's list offers (the columns of the web's table). */
export const DSL_SORTS = ['name', 'version', 'createdAt'] as const;
export type DslSort = (typeof DSL_SORTS)[number];

/** The keyset of a version list sorted by `sort`: a name's versions by version (unique together), else by id. */
export const dslKeys = (sort: DslSort): KeyColumns => ({
  value: { column: { name: 'name', version: 'version', createdAt: 'created_at' }[sort], kind: 'text' },
  tie: { column: sort === 'name' ? 'version' : 'id', kind: 'text' },
});

function filteredVersions(q: Q, f: DslFilter) {
  let query = q.selectFrom('dsl_versions');
  if (f.name) query = query.where('name', '=', f.name);
  if (f.state) query = query.where('state', '=', f.state);
  if (f.text) {
    const text = f.text;
    query = query.where((eb) =>
      eb.or([
        containsText('name', text),
        containsText('version', text),
        containsText('description', text),
        containsText('digest', text),
      ]),
    );
  }
  return query;
}

/** One page of the versions matching the filter, in the position's order (keyset). */
export async function pageVersions(q: Q, f: DslFilter, position: KeysetPosition): Promise<Page<DslVersion>> {
  const rows = await keysetPage(filteredVersions(q, f).selectAll(), position).execute();
  return closePage(rows, position, (kept) => kept.map(toVersion));
}

/** How many versions match the filter. */
export const countVersions = (q: Q, f: DslFilter): Promise<number> => countRows(filteredVersions(q, f));

/** Digests that some version of the library refers to (uploads only). */
export async function referencedDigests(q: Q): Promise<{ digest: string; id: string; label: string }[]> {
  const rows = await q
    .selectFrom('dsl_versions')
    .select(['digest', 'id', 'name', 'version'])
    .where('kind', '=', 'upload')
    .where('digest', 'is not', null)
    .execute();
  return rows.map((r) => ({ digest: r.digest!, id: r.id, label: `${r.name} ${r.version}` }));
}
