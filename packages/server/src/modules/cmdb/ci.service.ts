import { FIELDS, fieldProblem, type FieldProblem } from '@releasegate/messages';
import { randomUUID } from 'node:crypto';
import {
  invalidFields,
  isEnvironment,
  isRelationType,
  notFound,
  refusal,
  refused,
  validateAttributes,
  ENVIRONMENTS,
  RELATION_TYPES,
} from '@releasegate/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import { openPage, type Page, type PageRequest } from '../../db/keyset';
import type { ChangeOrigin, CmdbDeps } from './cmdb.deps';
import * as repo from './cmdb.repository';
import { recordCiChange } from './cmdb.history';

export interface CiInput {
  type: string;
  name: string;
  environment: string;
  owner?: string | null;
  critical?: boolean;
  version?: string | null;
  attributes?: Record<string, unknown>;
  description?: string | null;
}

export interface RelationView extends repo.Relation {
  /** The CI at the other end, seen from the CI being viewed. */
  other: { id: string; name: string; type: string; environment: string; status: string };
  direction: 'outgoing' | 'incoming';
}

export type CiDetail = repo.Ci & { relations: RelationView[] };

/** Checks a CI's fields against its type and the environments; throws with every problem named. */
async function assertValidCi(q: Kysely<Database>, input: CiInput): Promise<void> {
  const fields: Record<string, FieldProblem[]> = {};
  const add = (k: string, p: FieldProblem) => (fields[k] ??= []).push(p);
  const type = await repo.findType(q, input.type);
  if (!type) add('type', fieldProblem('unknown_ci_type', { type: input.type }));
  if (!isEnvironment(input.environment))
    add('environment', fieldProblem('environment_one_of', { values: ENVIRONMENTS }));
  if (type)
    for (const p of validateAttributes(type.fields, input.attributes ?? {}))
      add(`attributes.${p.field}`, p.problem);
  if (Object.keys(fields).length > 0) {
    throw invalidFields(fields);
  }
}

async function assertNaturalKeyFree(q: Kysely<Database>, input: CiInput, exceptId?: string) {
  const existing = await repo.findActiveCiByNaturalKey(q, input.type, input.environment, input.name);
  if (existing && existing.id !== exceptId) {
    throw refused(
      'conflict',
      {
        code: 'ci_name_taken',
        params: { type: input.type, name: input.name, environment: input.environment },
      },
      { fields: { name: [FIELDS.ci_exists] }, existingId: existing.id },
    );
  }
}

export async function createCi(
  deps: CmdbDeps,
  ctx: RequestContext,
  input: CiInput,
  origin: ChangeOrigin = { kind: 'manual' },
): Promise<repo.Ci> {
  authorize(ctx, 'cmdb.write');
  return deps.db.kysely.transaction().execute((trx) => createCiIn(trx, deps, ctx, input, origin));
}

/** Creates a CI inside an open transaction (also used by the import). */
export async function createCiIn(
  trx: Kysely<Database>,
  deps: CmdbDeps,
  ctx: RequestContext,
  input: CiInput,
  origin: ChangeOrigin,
): Promise<repo.Ci> {
  await assertValidCi(trx, input);
  await assertNaturalKeyFree(trx, input);
  const now = deps.clock.now().toISOString();
  const ci: repo.Ci = {
    id: randomUUID(),
    type: input.type,
    name: input.name,
    environment: input.environment,
    owner: input.owner ?? null,
    critical: input.critical ?? false,
    version: input.version ?? null,
    attributes: input.attributes ?? {},
    description: input.description ?? null,
    status: 'active',
    revision: 1,
    createdAt: now,
    updatedAt: now,
    retiredAt: null,
  };
  await repo.insertCi(trx, ci);
  await repo.recordGraphChange(trx, { kind: 'ci', ciId: ci.id });
  await recordCiChange(trx, deps, ctx, {
    ciIds: [ci.id],
    change: 'created',
    origin,
    before: null,
    after: ci,
    auditAction: 'cmdb.ci_create',
  });
  return ci;
}

export async function updateCi(
  deps: CmdbDeps,
  ctx: RequestContext,
  id: string,
  patch: Partial<CiInput> & { revision: number },
  origin: ChangeOrigin,
): Promise<repo.Ci> {
  authorize(ctx, 'cmdb.write');
  return deps.db.kysely.transaction().execute((trx) => updateCiIn(trx, deps, ctx, id, patch, origin));
}

/** Updates a CI inside an open transaction; refuses when its revision moved on (someone else saved). */
export async function updateCiIn(
  trx: Kysely<Database>,
  deps: CmdbDeps,
  ctx: RequestContext,
  id: string,
  patch: Partial<CiInput> & { revision: number },
  origin: ChangeOrigin,
): Promise<repo.Ci> {
  const before = await repo.findCi(trx, id);
  if (!before) throw notFound('ci', id);
  if (before.status === 'retired')
    throw refusal('invalid_transition', 'retired_cis_read_only', {
      code: 'ci_retired',
      params: { name: before.name },
    });
  const { revision, ...changes } = patch;
  const merged: CiInput = {
    type: changes.type ?? before.type,
    name: changes.name ?? before.name,
    environment: changes.environment ?? before.environment,
    owner: changes.owner !== undefined ? changes.owner : before.owner,
    critical: changes.critical ?? before.critical,
    version: changes.version !== undefined ? changes.version : before.version,
    attributes: changes.attributes ?? before.attributes,
    description: changes.description !== undefined ? changes.description : before.description,
  };
  await assertValidCi(trx, merged);
  await assertNaturalKeyFree(trx, merged, id);
  const after: repo.Ci = {
    ...before,
    ...merged,
    owner: merged.owner ?? null,
    critical: merged.critical ?? false,
    version: merged.version ?? null,
    attributes: merged.attributes ?? {},
    description: merged.description ?? null,
    revision: before.revision + 1,
    updatedAt: deps.clock.now().toISOString(),
  };
  await repo.recordGraphChange(trx, { kind: 'ci', ciId: id });
  if (!(await repo.updateCi(trx, after, revision))) {
    throw refused(
      'conflict',
      { code: 'changed_meanwhile', params: { name: before.name, revision: before.revision } },
      { currentRevision: before.revision },
    );
  }
  await recordCiChange(trx, deps, ctx, {
    ciIds: [id],
    change: 'updated',
    origin,
    before,
    after,
    auditAction: 'cmdb.ci_update',
  });
  return after;
}

/** A CI is never deleted: it is retired (with a reason) and its relations are removed. */
export async function retireCi(
  deps: CmdbDeps,
  ctx: RequestContext,
  id: string,
  origin: ChangeOrigin,
): Promise<repo.Ci> {
  authorize(ctx, 'cmdb.write');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findCi(trx, id);
    if (!before) throw notFound('ci', id);
    if (before.status === 'retired')
      throw refusal('invalid_transition', 'retire_once', {
        code: 'ci_already_retired',
        params: { name: before.name },
      });
    for (const r of await repo.relationsOf(trx, id)) await removeRelationIn(trx, deps, ctx, r, origin);
    const now = deps.clock.now().toISOString();
    const after: repo.Ci = {
      ...before,
      status: 'retired',
      retiredAt: now,
      updatedAt: now,
      revision: before.revision + 1,
    };
    await repo.updateCi(trx, after, before.revision);
    await repo.recordGraphChange(trx, { kind: 'ci', ciId: id });
    await recordCiChange(trx, deps, ctx, {
      ciIds: [id],
      change: 'retired',
      origin,
      before,
      after,
      auditAction: 'cmdb.ci_retire',
    });
    return after;
  });
}

export async function getCi(deps: CmdbDeps, ctx: RequestContext, id: string): Promise<CiDetail> {
  authorize(ctx, 'cmdb.read');
  const q = deps.db.kysely;
  const ci = await repo.findCi(q, id);
  if (!ci) throw notFound('ci', id);
  const relations = await repo.relationsOf(q, id);
  const others = new Map(
    (
      await repo.findCisByIds(q, [
        ...new Set(relations.map((r) => (r.sourceId === id ? r.targetId : r.sourceId))),
      ])
    ).map((c) => [c.id, c]),
  );
  return {
    ...ci,
    relations: relations.map((r) => {
      const direction = r.sourceId === id ? 'outgoing' : 'incoming';
      const other = others.get(direction === 'outgoing' ? r.targetId : r.sourceId)!;
      return {
        ...r,
        direction,
        other: {
          id: other.id,
          name: other.name,
          type: other.type,
          environment: other.environment,
          status: other.status,
        },
      };
    }),
  };
}

/** A page of the CMDB's CIs (keyset), by name unless sorted; no total (a text search over every CI is not cheap). */
export async function listCis(
  deps: CmdbDeps,
  ctx: RequestContext,
  filter: repo.CiFilter,
  page: PageRequest<repo.CiSort>,
): Promise<Page<repo.Ci>> {
  authorize(ctx, 'cmdb.read');
  return repo.pageCis(deps.db.kysely, filter, openPage(page, filter, repo.ciKeys(page.sort)));
}

export async function ciHistory(deps: CmdbDeps, ctx: RequestContext, id: string) {
  authorize(ctx, 'cmdb.read');
  if (!(await repo.findCi(deps.db.kysely, id))) throw notFound('ci', id);
  return repo.historyOf(deps.db.kysely, id);
}

// Relations

export async function addRelation(
  deps: CmdbDeps,
  ctx: RequestContext,
  input: { sourceId: string; targetId: string; type: string },
  origin: ChangeOrigin = { kind: 'manual' },
): Promise<repo.Relation> {
  authorize(ctx, 'cmdb.write');
  return deps.db.kysely.transaction().execute((trx) => addRelationIn(trx, deps, ctx, input, origin));
}

export async function addRelationIn(
  trx: Kysely<Database>,
  deps: CmdbDeps,
  ctx: RequestContext,
  input: { sourceId: string; targetId: string; type: string },
  origin: ChangeOrigin,
): Promise<repo.Relation> {
  if (!isRelationType(input.type)) {
    throw invalidFields({ type: [fieldProblem('relation_one_of', { values: RELATION_TYPES })] });
  }
  if (input.sourceId === input.targetId) throw invalidFields({ targetId: [FIELDS.same_as_source] });
  const [source, target] = [await repo.findCi(trx, input.sourceId), await repo.findCi(trx, input.targetId)];
  if (!source) throw notFound('ci', input.sourceId);
  if (!target) throw notFound('ci', input.targetId);
  for (const ci of [source, target]) {
    if (ci.status !== 'active')
      throw refusal('invalid_transition', 'retired_cis_read_only', {
        code: 'ci_retired_no_relations',
        params: { name: ci.name },
      });
  }
  if (await repo.findRelationByEnds(trx, source.id, target.id, input.type)) {
    throw refused('conflict', {
      code: 'relation_exists',
      params: { source: source.name, type: input.type, target: target.name },
    });
  }
  const relation: repo.Relation = {
    id: randomUUID(),
    sourceId: source.id,
    targetId: target.id,
    type: input.type,
    createdAt: deps.clock.now().toISOString(),
    createdBy: ctx.principal?.userId ?? null,
  };
  await repo.insertRelation(trx, relation);
  await repo.recordGraphChange(trx, {
    kind: 'relation_added',
    sourceId: relation.sourceId,
    targetId: relation.targetId,
    type: relation.type,
  });
  const after = { ...relation, sourceName: source.name, targetName: target.name };
  await recordCiChange(trx, deps, ctx, {
    ciIds: [source.id, target.id],
    change: 'relation_added',
    origin,
    before: null,
    after,
    auditAction: 'cmdb.relation_add',
    entityType: 'ci_relation',
    entityId: relation.id,
  });
  return relation;
}

export async function removeRelation(
  deps: CmdbDeps,
  ctx: RequestContext,
  id: string,
  origin: ChangeOrigin,
): Promise<void> {
  authorize(ctx, 'cmdb.write');
  await deps.db.kysely.transaction().execute(async (trx) => {
    const relation = await repo.findRelation(trx, id);
    if (!relation) throw notFound('relation', id);
    await removeRelationIn(trx, deps, ctx, relation, origin);
  });
}

async function removeRelationIn(
  trx: Kysely<Database>,
  deps: CmdbDeps,
  ctx: RequestContext,
  relation: repo.Relation,
  origin: ChangeOrigin,
) {
  await repo.deleteRelation(trx, relation.id);
  await repo.recordGraphChange(trx, {
    kind: 'relation_removed',
    sourceId: relation.sourceId,
    targetId: relation.targetId,
    type: relation.type,
  });
  const [source, target] = [
    await repo.findCi(trx, relation.sourceId),
    await repo.findCi(trx, relation.targetId),
  ];
  await recordCiChange(trx, deps, ctx, {
    ciIds: [relation.sourceId, relation.targetId],
    change: 'relation_removed',
    origin,
    before: { ...relation, sourceName: source?.name ?? null, targetName: target?.name ?? null },
    after: null,
    auditAction: 'cmdb.relation_remove',
    entityType: 'ci_relation',
    entityId: relation.id,
  });
}
