import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import {
  RELEASE_ACTIONS,
  RELEASE_ITEM_KINDS,
  RELEASE_OUTCOMES,
  RELEASE_STATES,
  RELEASE_TYPES,
} from '@releasegate/domain';
import { codedRule, gapSchema, reasonSchema } from '../../http/reason.schemas';
import { pageQuery } from '../../http/page.schemas';
import { RELEASE_SORTS } from './release.repository';

const id = z.string().min(1).max(64);
export const idParams = z.object({ id: z.string().min(1).max(64) });

export const releaseItemInput = z.object({
  kind: z.enum(RELEASE_ITEM_KINDS),
  title: z.string().trim().min(1, FIELDS.required).max(200),
  dslVersionId: id.nullable().optional(),
  description: z.string().max(2000).nullable().optional(),
  ciIds: z.array(id).max(500),
});

export const requestReleaseInput = z.object({
  title: z.string().trim().min(1, FIELDS.required).max(200),
  description: z.string().max(10_000).nullable().optional(),
  changeIds: z.array(id).min(1, FIELDS.choose_approved_change).max(100),
  items: z.array(releaseItemInput).max(200).default([]),
  targetCiIds: z.array(id).max(1000).optional(),
  urgency: z.enum(['immediate', 'high', 'normal']).default('normal'),
  rollbackDifficulty: z.enum(['easy', 'moderate', 'hard']).default('easy'),
  newTechnology: z.boolean().default(false),
});

export const releaseView = z.object({
  id: z.string(),
  number: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  state: z.enum(RELEASE_STATES),
  outcome: z.enum(RELEASE_OUTCOMES).nullable(),
  type: z.enum(RELEASE_TYPES).nullable(),
  proposal: z.object({
    type: z.enum(RELEASE_TYPES),
    criteria: z.array(reasonSchema),
    reasons: z.array(z.string()),
  }),
  typeReason: z.string().nullable(),
  urgency: z.enum(['immediate', 'high', 'normal']),
  rollbackDifficulty: z.enum(['easy', 'moderate', 'hard']),
  newTechnology: z.boolean(),
  targetCiIds: z.array(z.string()),
  policyVersionId: z.string(),
  requestedBy: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionReason: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const gap = gapSchema;
const blocker = z.object({
  ...codedRule,
  rule: z.string(),
  reason: z.string(),
  kind: z.enum(['state', 'role', 'policy']),
  missing: z.array(gap).optional(),
});

export const releaseDetailView = releaseView.extend({
  changes: z.array(
    z.object({
      id: z.string(),
      number: z.string(),
      title: z.string(),
      state: z.string(),
      approved: z.boolean(),
      /** IN-1, TY-4: approved by the emergency CAB (serves an emergency release only). */
      expedited: z.boolean(),
      label: z.string(),
    }),
  ),
  items: z.array(releaseItemInput.extend({ id: z.string() })),
  assessments: z.array(
    z.object({
      seq: z.number(),
      kind: z.enum(['relationship', 'resource', 'risk']),
      content: z.unknown(),
      recordedBy: z.string(),
      recordedAt: z.string(),
    }),
  ),
  plan: z
    .object({
      id: z.string(),
      version: z.number(),
      status: z.enum(['draft', 'submitted', 'approved', 'rejected', 'superseded']),
      drafterName: z.string(),
      gaps: z.array(gap),
      unresolvedConflicts: z.array(reasonSchema),
    })
    .nullable(),
  actions: z.array(
    z.object({ action: z.enum(RELEASE_ACTIONS), allowed: z.boolean(), blockers: z.array(blocker) }),
  ),
  /** RB-2: a rollback was decided at some point (the release took the rollback path). */
  rollbackDecided: z.boolean(),
});

export const releaseListQuery = z
  .object({
    state: z.enum(RELEASE_STATES).optional(),
    type: z.enum(RELEASE_TYPES).optional(),
    q: z.string().max(100).optional(),
    open: z.enum(['true', 'false']).optional(),
  })
  .extend(pageQuery(RELEASE_SORTS, '-createdAt').shape);

export const noteInput = z.object({ note: z.string().trim().max(2000).nullable().optional() });
export const reasonInput = z.object({ reason: z.string().trim().min(1, FIELDS.give_reason).max(2000) });
export const classifyInput = z.object({
  type: z.enum(RELEASE_TYPES),
  reason: z.string().trim().max(2000).nullable().optional(),
});

const risk = z.object({
  category: z.enum(['technical', 'business', 'management']),
  description: z.string().trim().min(1).max(2000),
  likelihood: z.enum(['low', 'medium', 'high']),
  impact: z.enum(['low', 'medium', 'high']),
  response: z.string().trim().min(1).max(2000),
});
export const riskInput = z.object({ risks: z.array(risk).min(1).max(100) });
export const resourceInput = z.object({
  technical: z.string().trim().min(1, FIELDS.required).max(4000),
  people: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(100),
        role: z.string().trim().min(1).max(100),
        availability: z.string().trim().min(1).max(200),
      }),
    )
    .min(1, FIELDS.name_people)
    .max(100),
  time: z.object({ estimateHours: z.number().positive().max(10_000), note: z.string().max(2000).optional() }),
});
export const relationshipDecisionInput = z.object({
  decision: z.enum(['merge', 'separate']),
  mergeWith: z.array(z.string().max(64)).max(50).default([]),
  order: z.array(z.string().max(64)).max(50).default([]),
  note: z.string().trim().min(1, FIELDS.record_why).max(4000),
});
export const relationshipView = z.object({
  related: z.array(
    z.object({
      releaseId: z.string(),
      number: z.string(),
      title: z.string(),
      state: z.string(),
      sharedCis: z.array(z.string()),
      relation: z.enum(['same', 'this_first', 'other_first']),
    }),
  ),
  proposeMerge: z.array(z.string()),
  proposedOrder: z.array(z.string()),
});

export const referencesView = z.object({
  cis: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.string(),
      typeName: z.object({ zh: z.string(), en: z.string() }),
      environment: z.string(),
      owner: z.string().nullable(),
      critical: z.boolean(),
      version: z.string().nullable(),
      status: z.enum(['active', 'retired']),
    }),
  ),
  dslVersions: z.array(
    z.object({ id: z.string(), name: z.string(), version: z.string(), state: z.string() }),
  ),
});

export const activityView = z.object({
  events: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      actor: z.string().nullable(),
      action: z.string(),
      details: z.record(z.string(), z.union([z.string(), z.number()])),
    }),
  ),
});

/**
 * IM-1, PO-1: the evidence a check or verification cites: a file uploaded before, by its SHA-256.
 * The upload's answer (digest, size, filename) may be passed back as it came.
 */
export const evidenceCitation = z
  .object({
    digest: z.string().regex(/^[0-9a-f]{64}$/, FIELDS.sha256),
    filename: z.string().max(255).nullable().optional(),
    size: z.number().int().min(0).optional(),
  })
  .nullable()
  .optional();
