import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { fieldProblemSchema, reasonSchema } from '../../http/reason.schemas';
import { pageQuery, pageView } from '../../http/page.schemas';
import { CI_SORTS } from './cmdb.repository';
import { ATTRIBUTE_KINDS, ENVIRONMENTS, RELATION_TYPES } from '@releasegate/domain';

const attributeKind = z.enum(ATTRIBUTE_KINDS);
export const attributeField = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, FIELDS.key_starts_with_letter),
  label: z.object({ zh: z.string().min(1).max(50), en: z.string().min(1).max(50) }),
  kind: attributeKind,
  required: z.boolean().optional(),
  options: z.array(z.string().min(1).max(100)).max(100).optional(),
});

export const ciTypeView = z.object({
  key: z.string(),
  name: z.object({ zh: z.string(), en: z.string() }),
  fields: z.array(attributeField),
  builtin: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const createCiTypeInput = z.object({
  key: z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, FIELDS.key_starts_with_letter),
  name: z.object({ zh: z.string().trim().min(1).max(50), en: z.string().trim().min(1).max(50) }),
  fields: z.array(attributeField).max(60),
});
export const updateCiTypeInput = createCiTypeInput.omit({ key: true });
export const typeKeyParams = z.object({ key: z.string().max(40) });

const reason = z.string().trim().max(500);
const ciFields = {
  type: z.string().min(1).max(40),
  name: z.string().trim().min(1, FIELDS.required).max(200),
  environment: z.enum(ENVIRONMENTS),
  owner: z.string().trim().max(100).nullable().optional(),
  critical: z.boolean().optional(),
  version: z.string().trim().max(100).nullable().optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
  description: z.string().max(4000).nullable().optional(),
};
export const createCiInput = z.object({ ...ciFields, reason: reason.optional() });
export const updateCiInput = z.object({
  type: ciFields.type.optional(),
  name: ciFields.name.optional(),
  environment: ciFields.environment.optional(),
  owner: ciFields.owner,
  critical: ciFields.critical,
  version: ciFields.version,
  attributes: ciFields.attributes,
  description: ciFields.description,
  revision: z.number().int().positive(),
  reason: reason.min(1, FIELDS.say_why_cm4),
});
export const retireInput = z.object({ reason: reason.min(1, FIELDS.say_why_cm4) });

export const ciView = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  environment: z.string(),
  owner: z.string().nullable(),
  critical: z.boolean(),
  version: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  description: z.string().nullable(),
  status: z.enum(['active', 'retired']),
  revision: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
  retiredAt: z.string().nullable(),
});
export const relationView = z.object({
  id: z.string(),
  sourceId: z.string(),
  targetId: z.string(),
  type: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
export const ciDetailView = ciView.extend({
  relations: z.array(
    relationView.extend({
      direction: z.enum(['outgoing', 'incoming']),
      other: z.object({
        id: z.string(),
        name: z.string(),
        type: z.string(),
        environment: z.string(),
        status: z.string(),
      }),
    }),
  ),
});
export const ciListQuery = z.object({
  type: z.string().max(40).optional(),
  environment: z.enum(ENVIRONMENTS).optional(),
  owner: z.string().max(100).optional(),
  critical: z.enum(['true', 'false']).optional(),
  status: z.enum(['active', 'retired', 'all']).optional(),
  q: z.string().max(100).optional(),
  ...pageQuery(CI_SORTS, 'name').shape,
});
export const ciListView = pageView(ciView);
export const idParams = z.object({ id: z.string().min(1).max(64) });

export const historyView = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      ciId: z.string(),
      at: z.string(),
      actorId: z.string().nullable(),
      actorName: z.string().nullable(),
      change: z.string(),
      reasonKind: z.enum(['manual', 'release', 'import']),
      releaseId: z.string().nullable(),
      releaseNumber: z.string().nullable(),
      reason: z
        .string()
        .nullable()
        .describe("Why, in words: a person's own, or the English of `systemReason`"),
      systemReason: reasonSchema
        .nullable()
        .describe(
          "CM-4: why, as a catalog reason, when the system changed the CI (an import, a release's CMDB update); null for a person's reason and for entries from before codes that could not be recognised",
        ),
      before: z.unknown(),
      after: z.unknown(),
    }),
  ),
});

export const createRelationInput = z.object({
  sourceId: z.string().min(1).max(64),
  targetId: z.string().min(1).max(64),
  type: z.enum(RELATION_TYPES),
  reason: reason.optional(),
});

const LIMIT_HELP =
  'List at most this many affected CIs, the nearest first; the counts still cover all of them';
export const impactQuery = z.object({
  depth: z.coerce.number().int().min(1).max(20).default(5),
  limit: z.coerce.number().int().min(1).optional().describe(LIMIT_HELP),
});
export const impactInput = z.object({
  ciIds: z.array(z.string().min(1).max(64)).min(1, FIELDS.choose_ci).max(1000),
  maxDepth: z.number().int().min(1).max(20).default(5),
  limit: z.number().int().min(1).optional().describe(LIMIT_HELP),
});
const ciSummary = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  environment: z.string(),
  critical: z.boolean(),
});
export const impactView = z.object({
  seeds: z.array(ciSummary),
  affected: z
    .array(
      ciSummary.extend({
        depth: z.number(),
        via: z.object({ fromId: z.string(), relation: z.enum(RELATION_TYPES), reverse: z.boolean() }),
      }),
    )
    .describe('Affected CIs, nearest first; follow via.fromId back to a seed for the whole path'),
  affectedCount: z.number().describe('Every affected CI, also those a limit leaves out of `affected`'),
  services: z.array(z.string()),
  criticalCount: z.number(),
  truncated: z.boolean(),
  maxDepth: z.number(),
});

export const baselineView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  takenAt: z.string(),
  takenBy: z.string().nullable(),
  ciCount: z.number(),
});
const snapshotView = z.object({
  ciId: z.string(),
  type: z.string(),
  name: z.string(),
  environment: z.string(),
  owner: z.string().nullable(),
  critical: z.boolean(),
  version: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  relations: z.array(z.object({ type: z.string(), targetId: z.string(), targetName: z.string() })),
});
export const baselineDetailView = baselineView.extend({ items: z.array(snapshotView) });
export const takeBaselineInput = z.object({
  name: z.string().trim().min(1, FIELDS.required).max(200),
  description: z.string().max(2000).nullable().optional(),
  ciIds: z.array(z.string().min(1).max(64)).min(1).max(50_000).optional(),
  filter: z
    .object({
      type: z.string().max(40).optional(),
      environment: z.enum(ENVIRONMENTS).optional(),
      owner: z.string().max(100).optional(),
      critical: z.boolean().optional(),
    })
    .optional(),
});
export const compareQuery = z.object({ against: z.string().max(64).default('now') });
export const diffView = z.object({
  from: baselineView,
  to: z.union([baselineView, z.literal('now')]),
  added: z.array(snapshotView),
  removed: z.array(snapshotView),
  changed: z.array(
    z.object({
      ciId: z.string(),
      name: z.string(),
      type: z.string(),
      fields: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
      relationsAdded: z.array(z.object({ type: z.string(), targetId: z.string(), targetName: z.string() })),
      relationsRemoved: z.array(z.object({ type: z.string(), targetId: z.string(), targetName: z.string() })),
    }),
  ),
  unchanged: z.number(),
});

export const importQuery = z.object({
  format: z.enum(['csv', 'xlsx']),
  kind: z.enum(['cis', 'relations']).optional(),
  dryRun: z.enum(['true', 'false']).default('true'),
});
export const importReportView = z.object({
  dryRun: z.boolean(),
  applied: z.boolean(),
  ok: z.boolean(),
  errorCount: z.number(),
  errors: z.array(
    z.object({
      sheet: z.string(),
      row: z.number(),
      column: z.string(),
      reason: z.string().describe('The problem in English; `problem` is the same as a code'),
      problem: fieldProblemSchema,
    }),
  ),
  summary: z.object({
    ciRows: z.number(),
    relationRows: z.number(),
    create: z.number(),
    update: z.number(),
    unchanged: z.number(),
    relationsCreate: z.number(),
    relationsExisting: z.number(),
  }),
});
export const exportQuery = z.object({
  format: z.enum(['csv', 'xlsx']).default('xlsx'),
  kind: z.enum(['cis', 'relations']).default('cis'),
});
