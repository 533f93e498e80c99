import { sql, type Kysely, type Selectable } from 'kysely';
import type { AttributeField, CiSnapshot } from '@releasegate/domain';
import type { Reason } from '@releasegate/messages';
import type { CiHistoryTable, CiRelationsTable, CisTable, CiTypesTable, Database } from '../../db/schema';
import { containsText } from '../../db/like';
import { closePage, keysetPage, type KeyColumns, type KeysetPosition, type Page } from '../../db/keyset';

type Q = Kysely<Database>;

export interface CiType {
  key: string;
  name: { zh: string; en: string };
  fields: AttributeField[];
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface Ci {
  id: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  description: string | null;
  status: 'active' | 'retired';
  revision: number;
  createdAt: string;
  updatedAt: string;
  retiredAt: string | null;
}

export interface Relation {
  id: string;
  sourceId: string;
  targetId: string;
  type: string;
  createdAt: string;
  createdBy: string | null;
}

export interface CiHistoryEntry {
  id: string;
  ciId: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  change: string;
  reasonKind: 'manual' | 'release' | 'import';
  releaseId: string | null;
  /** Why, in words: a person's own, or the English of `systemReason`. */
  reason: string | null;
  /** Why, as a catalog reason, when the system gave it (an import, a CMDB update); null for a person's words. */
  systemReason: Reason | null;
  before: unknown;
  after: unknown;
}

const toType = (r: Selectable<CiTypesTable>): CiType => ({
  key: r.key,
  name: { zh: r.name_zh, en: r.name_en },
  fields: JSON.parse(r.fields) as AttributeField[],
  builtin: !!r.builtin,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const toCi = (r: Selectable<CisTable>): Ci => ({
  id: r.id,
  type: r.type_key,
  name: r.name,
  environment: r.environment,
  owner: r.owner,
  critical: !!r.critical,
  version: r.version,
  attributes: JSON.parse(r.attributes) as Record<string, unknown>,
  description: r.description,
  status: r.status === 'retired' ? 'retired' : 'active',
  revision: r.revision,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  retiredAt: r.retired_at,
});

const toRelation = (r: Selectable<CiRelationsTable>): Relation => ({
  id: r.id,
  sourceId: r.source_id,
  targetId: r.target_id,
  type: r.type,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

const toHistory = (r: Selectable<CiHistoryTable>): CiHistoryEntry => ({
  id: String(r.seq),
  ciId: r.ci_id,
  at: r.at,
  actorId: r.actor_id,
  actorName: r.actor_name,
  change: r.change,
  reasonKind: r.reason_kind as CiHistoryEntry['reasonKind'],
  releaseId: r.release_id,
  reason: r.reason,
  systemReason: r.system_reason === null ? null : (JSON.parse(r.system_reason) as Reason),
  before: r.before_json === null ? null : JSON.parse(r.before_json),
  after: r.after_json === null ? null : JSON.parse(r.after_json),
});

// CI types

export async function listTypes(q: Q): Promise<CiType[]> {
  return (await q.selectFrom('ci_types').selectAll().orderBy('builtin', 'desc').orderBy('key').execute()).map(
    toType,
  );
}

export async function findType(q: Q, key: string): Promise<CiType | undefined> {
  const row = await q.selectFrom('ci_types').selectAll().where('key', '=', key).executeTakeFirst();
  return row && toType(row);
}

export async function insertType(q: Q, t: CiType): Promise<void> {
  await q
    .insertInto('ci_types')
    .values({
      key: t.key,
      name_zh: t.name.zh,
      name_en: t.name.en,
      fields: JSON.stringify(t.fields),
      builtin: t.builtin ? 1 : 0,
      created_at: t.createdAt,
      updated_at: t.updatedAt,
    })
    .execute();
}

export async function updateType(q: Q, t: CiType): Promise<void> {
  await q
    .updateTable('ci_types')
    .set({
      name_zh: t.name.zh,
      name_en: t.name.en,
      fields: JSON.stringify(t.fields),
      updated_at: t.updatedAt,
    })
    .where('key', '=', t.key)
    .execute();
}

// CIs

export async function findCi(q: Q, id: string): Promise<Ci | undefined> {
  const row = await q.selectFrom('cis').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCi(row);
}

export async function findCisByIds(q: Q, ids: readonly string[]): Promise<Ci[]> {
  const result: Ci[] = [];
  // Chunks keep the parameter count under SQLite's limit.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('cis')
      .selectAll()
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    result.push(...rows.map(toCi));
  }
  return result;
}

export async function findActiveCiByNaturalKey(
  q: Q,
  type: string,
  environment: string,
  name: string,
): Promise<Ci | undefined> {
  const row = await q
    .selectFrom('cis')
    .selectAll()
    .where('type_key', '=', type)
    .where('environment', '=', environment)
    .where('name', '=', name)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row && toCi(row);
}

export interface CiFilter {
  type?: string;
  environment?: string;
  owner?: string;
  critical?: boolean;
  status?: 'active' | 'retired' | 'all';
  text?: string;
}

/** The orders the CI list offers, each by its column; ties broken by the id. */
export const CI_SORTS = ['name', 'updatedAt'] as const;
export type CiSort = (typeof CI_SORTS)[number];
export const ciKeys = (sort: CiSort): KeyColumns => ({
  value: { column: { name: 'name', updatedAt: 'updated_at' }[sort], kind: 'text' },
  tie: { column: 'id', kind: 'text' },
});

function filteredCis(q: Q, f: CiFilter) {
  let query = q.selectFrom('cis').selectAll();
  if (f.type) query = query.where('type_key', '=', f.type);
  if (f.environment) query = query.where('environment', '=', f.environment);
  if (f.owner) query = query.where(containsText('owner', f.owner));
  if (f.critical !== undefined) query = query.where('critical', '=', f.critical ? 1 : 0);
  if ((f.status ?? 'active') !== 'all') query = query.where('status', '=', f.status ?? 'active');
  if (f.text) {
    const text = f.text;
    query = query.where((eb) =>
      eb.or([
        containsText('name', text),
        containsText('description', text),
        containsText('version', text),
        containsText('attributes', text),
      ]),
    );
  }
  return query;
}

/** One page of the CIs matching the filter, in the position's order (keyset). */
export async function pageCis(q: Q, f: CiFilter, position: KeysetPosition): Promise<Page<Ci>> {
  const rows = await keysetPage(filteredCis(q, f), position).execute();
  return closePage(rows, position, (kept) => kept.map(toCi));
}

/** Ordered by name then id; `after` is the last (name, id) of the previous page (keyset). */
export async function listCis(
  q: Q,
  f: CiFilter,
  after: { name: string; id: string } | undefined,
  limit: number,
): Promise<Ci[]> {
  let query = filteredCis(q, f);
  if (after)
    query = query.where((eb) =>
      eb.or([eb('name', '>', after.name), eb.and([eb('name', '=', after.name), eb('id', '>', after.id)])]),
    );
  return (await query.orderBy('name').orderBy('id').limit(limit).execute()).map(toCi);
}

export async function insertCi(q: Q, ci: Ci): Promise<void> {
  await q
    .insertInto('cis')
    .values({
      id: ci.id,
      type_key: ci.type,
      name: ci.name,
      environment: ci.environment,
      owner: ci.owner,
      critical: ci.critical ? 1 : 0,
      version: ci.version,
      attributes: JSON.stringify(ci.attributes),
      description: ci.description,
      status: ci.status,
      revision: ci.revision,
      created_at: ci.createdAt,
      updated_at: ci.updatedAt,
      retired_at: ci.retiredAt,
    })
    .execute();
}

/** Writes the CI if its revision is still `expectedRevision`; false when someone changed it meanwhile. */
export async function updateCi(q: Q, ci: Ci, expectedRevision: number): Promise<boolean> {
  const result = await q
    .updateTable('cis')
    .set({
      type_key: ci.type,
      name: ci.name,
      environment: ci.environment,
      owner: ci.owner,
      critical: ci.critical ? 1 : 0,
      version: ci.version,
      attributes: JSON.stringify(ci.attributes),
      description: ci.description,
      status: ci.status,
      revision: ci.revision,
      updated_at: ci.updatedAt,
      retired_at: ci.retiredAt,
    })
    .where('id', '=', ci.id)
    .where('revision', '=', expectedRevision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// Relations

export async function findRelation(q: Q, id: string): Promise<Relation | undefined> {
  const row = await q.selectFrom('ci_relations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRelation(row);
}

export async function findRelationByEnds(
  q: Q,
  sourceId: string,
  targetId: string,
  type: string,
): Promise<Relation | undefined> {
  const row = await q
    .selectFrom('ci_relations')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('target_id', '=', targetId)
    .where('type', '=', type)
    .executeTakeFirst();
  return row && toRelation(row);
}

export async function relationsOf(q: Q, ciId: string): Promise<Relation[]> {
  const rows = await q
    .selectFrom('ci_relations')
    .selectAll()
    .where((eb) => eb.or([eb('source_id', '=', ciId), eb('target_id', '=', ciId)]))
    .orderBy('created_at')
    .execute();
  return rows.map(toRelation);
}

export async function outgoingRelations(q: Q, ciIds: readonly string[]): Promise<Relation[]> {
  const result: Relation[] = [];
  for (let i = 0; i < ciIds.length; i += 500) {
    result.push(
      ...(
        await q
          .selectFrom('ci_relations')
          .selectAll()
          .where('source_id', 'in', ciIds.slice(i, i + 500))
          .execute()
      ).map(toRelation),
    );
  }
  return result;
}

export async function insertRelation(q: Q, r: Relation): Promise<void> {
  await q
    .insertInto('ci_relations')
    .values({
      id: r.id,
      source_id: r.sourceId,
      target_id: r.targetId,
      type: r.type,
      created_at: r.createdAt,
      created_by: r.createdBy,
    })
    .execute();
}

export async function deleteRelation(q: Q, id: string): Promise<void> {
  await q.deleteFrom('ci_relations').where('id', '=', id).execute();
}

/** One change the in-memory impact graph must follow (CM-2). */
export type GraphChange =
  | { kind: 'ci'; ciId: string }
  | { kind: 'relation_added' | 'relation_removed'; sourceId: string; targetId: string; type: string };

/** Entries kept in the change log; a server further behind than this reloads the graph. */
export const CHANGE_LOG_KEPT = 20_000;

/**
 * Records a change to the CMDB's graph or to a CI's shown fields, in the caller's transaction.
 * The single-row update holds a row lock until commit, so entries are numbered in commit order.
 */
export async function recordGraphChange(q: Q, change: GraphChange): Promise<void> {
  const { change_seq } = await q
    .updateTable('cmdb_state')
    .set({ change_seq: sql<number>`change_seq + 1` })
    .where('id', '=', 1)
    .returning('change_seq')
    .executeTakeFirstOrThrow();
  const seq = Number(change_seq);
  await q
    .insertInto('cmdb_change_log')
    .values(
      change.kind === 'ci'
        ? { seq, kind: 'ci', ci_id: change.ciId, source_id: null, target_id: null, relation_type: null }
        : {
            seq,
            kind: change.kind,
            ci_id: null,
            source_id: change.sourceId,
            target_id: change.targetId,
            relation_type: change.type,
          },
    )
    .execute();
  // Now and then, forget what no server can still need.
  if (seq % 1000 === 0)
    await q
      .deleteFrom('cmdb_change_log')
      .where('seq', '<=', seq - CHANGE_LOG_KEPT)
      .execute();
}

/** The number of the latest change (0: none yet). */
export async function changeSeq(q: Q): Promise<number> {
  const row = await q
    .selectFrom('cmdb_state')
    .select('change_seq')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.change_seq);
}

/** The changes after `after` up to `upTo`, in order (fewer when the log was pruned). */
export async function changesBetween(q: Q, after: number, upTo: number): Promise<GraphChange[]> {
  const rows = await q
    .selectFrom('cmdb_change_log')
    .selectAll()
    .where('seq', '>', after)
    .where('seq', '<=', upTo)
    .orderBy('seq')
    .execute();
  return rows.map((r) =>
    r.kind === 'ci'
      ? { kind: 'ci', ciId: r.ci_id ?? '' }
      : {
          kind: r.kind as 'relation_added' | 'relation_removed',
          sourceId: r.source_id ?? '',
          targetId: r.target_id ?? '',
          type: r.relation_type ?? '',
        },
  );
}

export interface CiSummaryRow {
  id: string;
  name: string;
  type: string;
  environment: string;
  critical: boolean;
}

/** What an impact answer shows of each CI, for every active CI. */
export async function loadCiSummaries(q: Q): Promise<CiSummaryRow[]> {
  const rows = await q
    .selectFrom('cis')
    .select(['id', 'name', 'type_key', 'environment', 'critical'])
    .where('status', '=', 'active')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    type: r.type_key,
    environment: r.environment,
    critical: !!r.critical,
  }));
}

/** The shown fields of these CIs, with whether each is still active (retired ones leave the graph). */
export async function ciSummariesOf(
  q: Q,
  ids: readonly string[],
): Promise<(CiSummaryRow & { active: boolean })[]> {
  const result: (CiSummaryRow & { active: boolean })[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await q
      .selectFrom('cis')
      .select(['id', 'name', 'type_key', 'environment', 'critical', 'status'])
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows)
      result.push({
        id: r.id,
        name: r.name,
        type: r.type_key,
        environment: r.environment,
        critical: !!r.critical,
        active: r.status === 'active',
      });
  }
  return result;
}

/** Every active CI id and every relation, as compact arrays for building the impact graph. */
export async function loadGraph(
  q: Q,
): Promise<{ ids: string[]; relations: { source: string; target: string; type: string }[] }> {
  const ids = (await q.selectFrom('cis').select('id').where('status', '=', 'active').execute()).map(
    (r) => r.id,
  );
  const relations = (
    await q.selectFrom('ci_relations').select(['source_id', 'target_id', 'type']).execute()
  ).map((r) => ({
    source: r.source_id,
    target: r.target_id,
    type: r.type,
  }));
  return { ids, relations };
}

// History

export async function insertHistory(q: Q, h: Omit<CiHistoryEntry, 'id'>): Promise<void> {
  await q
    .insertInto('ci_history')
    .values({
      ci_id: h.ciId,
      at: h.at,
      actor_id: h.actorId,
      actor_name: h.actorName,
      change: h.change,
      reason_kind: h.reasonKind,
      release_id: h.releaseId,
      reason: h.reason,
      system_reason: h.systemReason === null ? null : JSON.stringify(h.systemReason),
      before_json: h.before === null || h.before === undefined ? null : JSON.stringify(h.before),
      after_json: h.after === null || h.after === undefined ? null : JSON.stringify(h.after),
    })
    .execute();
}

/** The CIs whose recorded changes name this release as their reason (CM-4). */
export async function ciIdsChangedByRelease(q: Q, releaseId: string): Promise<string[]> {
  const rows = await q
    .selectFrom('ci_history')
    .select('ci_id')
    .distinct()
    .where('release_id', '=', releaseId)
    .execute();
  return rows.map((r) => r.ci_id);
}

/** A CI's history, newest first, with the number of the release behind each change it made. */
export async function historyOf(
  q: Q,
  ciId: string,
): Promise<(CiHistoryEntry & { releaseNumber: string | null })[]> {
  const rows = await q
    .selectFrom('ci_history')
    .leftJoin('releases', 'releases.id', 'ci_history.release_id')
    .selectAll('ci_history')
    .select('releases.number as release_number')
    .where('ci_id', '=', ciId)
    .orderBy('seq', 'desc')
    .execute();
  return rows.map((r) => ({ ...toHistory(r), releaseNumber: r.release_number ?? null }));
}

// Baselines

export interface Baseline {
  id: string;
  name: string;
  description: string | null;
  takenAt: string;
  takenBy: string | null;
  ciCount: number;
}

export async function insertBaseline(q: Q, b: Baseline, snapshots: CiSnapshot[]): Promise<void> {
  await q
    .insertInto('baselines')
    .values({
      id: b.id,
      name: b.name,
      description: b.description,
      taken_at: b.takenAt,
      taken_by: b.takenBy,
      ci_count: b.ciCount,
    })
    .execute();
  for (let i = 0; i < snapshots.length; i += 200) {
    await q
      .insertInto('baseline_items')
      .values(
        snapshots
          .slice(i, i + 200)
          .map((s) => ({ baseline_id: b.id, ci_id: s.ciId, snapshot: JSON.stringify(s) })),
      )
      .execute();
  }
}

export async function listBaselines(q: Q): Promise<Baseline[]> {
  const rows = await q.selectFrom('baselines').selectAll().orderBy('taken_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    takenAt: r.taken_at,
    takenBy: r.taken_by,
    ciCount: r.ci_count,
  }));
}

export async function findBaseline(q: Q, id: string): Promise<Baseline | undefined> {
  const r = await q.selectFrom('baselines').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    r && {
      id: r.id,
      name: r.name,
      description: r.description,
      takenAt: r.taken_at,
      takenBy: r.taken_by,
      ciCount: r.ci_count,
    }
  );
}

export async function baselineSnapshots(q: Q, id: string): Promise<CiSnapshot[]> {
  const rows = await q
    .selectFrom('baseline_items')
    .select('snapshot')
    .where('baseline_id', '=', id)
    .execute();
  return rows.map((r) => JSON.parse(r.snapshot) as CiSnapshot).sort((a, b) => a.name.localeCompare(b.name));
}

export interface RelationWithEnds {
  id: string;
  type: string;
  source: { type: string; environment: string; name: string };
  target: { type: string; environment: string; name: string };
}

/** Relations with both ends' natural keys, in pages ordered by id (for export). */
export async function* iterateRelationsWithEnds(q: Q, pageSize = 2000): AsyncGenerator<RelationWithEnds> {
  let after = '';
  for (;;) {
    const rows = await q
      .selectFrom('ci_relations as r')
      .innerJoin('cis as s', 's.id', 'r.source_id')
      .innerJoin('cis as t', 't.id', 'r.target_id')
      .select([
        'r.id',
        'r.type',
        's.type_key as s_type',
        's.environment as s_env',
        's.name as s_name',
        't.type_key as t_type',
        't.environment as t_env',
        't.name as t_name',
      ])
      .where('r.id', '>', after)
      .orderBy('r.id')
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      yield {
        id: r.id,
        type: r.type,
        source: { type: r.s_type, environment: r.s_env, name: r.s_name },
        target: { type: r.t_type, environment: r.t_env, name: r.t_name },
      };
    }
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1].id;
  }
}

/** Active CIs in pages ordered by name (for export). */
export async function* iterateCis(q: Q, pageSize = 2000): AsyncGenerator<Ci> {
  let after: { name: string; id: string } | undefined;
  for (;;) {
    const page = await listCis(q, { status: 'active' }, after, pageSize);
    yield* page;
    if (page.length < pageSize) return;
    const last = page[page.length - 1];
    after = { name: last.name, id: last.id };
  }
}
