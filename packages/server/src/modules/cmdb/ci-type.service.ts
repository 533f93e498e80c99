import { FIELDS, fieldProblem, type FieldProblem } from '@releasegate/messages';
import { BUILTIN_CI_TYPES, invalidFields, notFound, refused, type AttributeField } from '@releasegate/domain';
import type { RequestContext } from '../../context';
import { authorize } from '../../authorize';
import type { CmdbDeps } from './cmdb.deps';
import * as repo from './cmdb.repository';
import { lockAcrossNodes } from '../../db/locks';

export interface CiTypeInput {
  key: string;
  name: { zh: string; en: string };
  fields: AttributeField[];
}

function assertFields(fields: AttributeField[]) {
  const keys = fields.map((f) => f.key);
  const dup = keys.filter((k, i) => keys.indexOf(k) !== i);
  const enumsWithoutOptions = fields
    .filter((f) => f.kind === 'enum' && !(f.options && f.options.length > 0))
    .map((f) => f.key);
  const problems: FieldProblem[] = [];
  if (dup.length) problems.push(fieldProblem('duplicate_field_keys', { keys: [...new Set(dup)] }));
  if (enumsWithoutOptions.length)
    problems.push(fieldProblem('enum_needs_options', { keys: enumsWithoutOptions }));
  if (problems.length) throw invalidFields({ fields: problems });
}

export async function listCiTypes(deps: CmdbDeps, ctx: RequestContext) {
  authorize(ctx, 'cmdb.read');
  return repo.listTypes(deps.db.kysely);
}

export async function createCiType(
  deps: CmdbDeps,
  ctx: RequestContext,
  input: CiTypeInput,
): Promise<repo.CiType> {
  authorize(ctx, 'cmdb.admin');
  assertFields(input.fields);
  return deps.db.kysely.transaction().execute(async (trx) => {
    if (await repo.findType(trx, input.key))
      throw refused(
        'conflict',
        { code: 'ci_type_exists', params: { key: input.key } },
        { fields: { key: [FIELDS.already_exists] } },
      );
    const now = deps.clock.now().toISOString();
    const type: repo.CiType = { ...input, builtin: false, createdAt: now, updatedAt: now };
    await repo.insertType(trx, type);
    await deps.audit.record(trx, ctx, {
      action: 'cmdb.type_create',
      entityType: 'ci_type',
      entityId: type.key,
      after: type,
    });
    return type;
  });
}

/** Renames a type or changes its fields; existing CIs keep their values (checked on their next edit). */
export async function updateCiType(
  deps: CmdbDeps,
  ctx: RequestContext,
  key: string,
  input: Omit<CiTypeInput, 'key'>,
): Promise<repo.CiType> {
  authorize(ctx, 'cmdb.admin');
  assertFields(input.fields);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const before = await repo.findType(trx, key);
    if (!before) throw notFound('ci_type', key);
    const after: repo.CiType = {
      ...before,
      name: input.name,
      fields: input.fields,
      updatedAt: deps.clock.now().toISOString(),
    };
    await repo.updateType(trx, after);
    await deps.audit.record(trx, ctx, {
      action: 'cmdb.type_update',
      entityType: 'ci_type',
      entityId: key,
      before,
      after,
    });
    return after;
  });
}

/**
 * Adds the built-in CI types that are missing (first start, or a new built-in type in an upgrade),
 * and gives a built-in type's stored text field the stricter kind the built-in now declares (CM-1:
 * a server's `ip`, once free text, is checked as an address from the upgrade on).
 */
export async function ensureBuiltinCiTypes(
  deps: Pick<CmdbDeps, 'db' | 'clock' | 'audit'>,
  ctx: RequestContext,
): Promise<string[]> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    // Nodes starting together on a new database add the types once: the others then find them.
    await lockAcrossNodes(trx, deps.db.dialect, 'seed.ci_types');
    const existing = new Map((await repo.listTypes(trx)).map((t) => [t.key, t]));
    const added: string[] = [];
    const retyped: string[] = [];
    for (const t of BUILTIN_CI_TYPES) {
      const now = deps.clock.now().toISOString();
      const stored = existing.get(t.key);
      if (stored) {
        const stricter = (f: AttributeField) =>
          t.fields.find((b) => b.key === f.key && f.kind === 'string' && b.kind === 'ip');
        if (!stored.builtin || !stored.fields.some(stricter)) continue;
        const fields = stored.fields.map((f) => (stricter(f) ? { ...f, kind: 'ip' as const } : f));
        await repo.updateType(trx, { ...stored, fields, updatedAt: now });
        retyped.push(t.key);
        continue;
      }
      await repo.insertType(trx, { ...t, builtin: true, createdAt: now, updatedAt: now });
      added.push(t.key);
    }
    if (added.length || retyped.length)
      await deps.audit.record(trx, ctx, {
        action: 'cmdb.builtin_types_add',
        entityType: 'ci_type',
        details: { added, ...(retyped.length ? { retyped } : {}) },
      });
    return added;
  });
}
