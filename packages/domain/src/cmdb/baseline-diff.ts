/** A CI as a baseline keeps it (CM-3): its fields, attributes, version and outgoing relations. */
export interface CiSnapshot {
  ciId: string;
  type: string;
  name: string;
  environment: string;
  owner: string | null;
  critical: boolean;
  version: string | null;
  attributes: Record<string, unknown>;
  relations: { type: string; targetId: string; targetName: string }[];
}

export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

export interface CiChange {
  ciId: string;
  name: string;
  type: string;
  fields: FieldChange[];
  relationsAdded: CiSnapshot['relations'];
  relationsRemoved: CiSnapshot['relations'];
}

export interface BaselineDiff {
  added: CiSnapshot[];
  removed: CiSnapshot[];
  changed: CiChange[];
  unchanged: number;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const relationKey = (r: CiSnapshot['relations'][number]) => `${r.type}→${r.targetId}`;

/** What changed from one set of snapshots to another, CI by CI and field by field. */
export function diffSnapshots(before: readonly CiSnapshot[], after: readonly CiSnapshot[]): BaselineDiff {
  const old = new Map(before.map((s) => [s.ciId, s]));
  const now = new Map(after.map((s) => [s.ciId, s]));
  const diff: BaselineDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const s of after) if (!old.has(s.ciId)) diff.added.push(s);
  for (const s of before) if (!now.has(s.ciId)) diff.removed.push(s);
  for (const b of before) {
    const a = now.get(b.ciId);
    if (!a) continue;
    const fields: FieldChange[] = [];
    for (const field of ['type', 'name', 'environment', 'owner', 'critical', 'version'] as const) {
      if (!same(b[field], a[field])) fields.push({ field, before: b[field], after: a[field] });
    }
    const keys = new Set([...Object.keys(b.attributes), ...Object.keys(a.attributes)]);
    for (const key of [...keys].sort()) {
      if (!same(b.attributes[key], a.attributes[key]))
        fields.push({
          field: `attributes.${key}`,
          before: b.attributes[key] ?? null,
          after: a.attributes[key] ?? null,
        });
    }
    const oldRel = new Set(b.relations.map(relationKey));
    const newRel = new Set(a.relations.map(relationKey));
    const relationsAdded = a.relations.filter((r) => !oldRel.has(relationKey(r)));
    const relationsRemoved = b.relations.filter((r) => !newRel.has(relationKey(r)));
    if (fields.length || relationsAdded.length || relationsRemoved.length) {
      diff.changed.push({
        ciId: b.ciId,
        name: a.name,
        type: a.type,
        fields,
        relationsAdded,
        relationsRemoved,
      });
    } else diff.unchanged++;
  }
  return diff;
}
