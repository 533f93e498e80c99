import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { reasonSchema } from '../../http/reason.schemas';
import { invalidPattern, RELEASE_STATES, RELEASE_TYPES } from '@releasegate/domain';

const planStatus = z.enum(['draft', 'submitted', 'approved', 'rejected', 'superseded']);

const text = (max: number) => z.string().max(max);
const step = z.object({
  title: text(200),
  owner: text(100),
  /** IM-2, RO-3: the implementer's account (user name); its 我的待办 shows the step when at hand. */
  assignee: z.string().trim().max(64).nullable().optional(),
  expectedMinutes: z.number().int().min(0).max(10_000),
  verification: text(2000),
});

/** Sections may be incomplete while drafting; completeness is the lifecycle's check at submission (PL-1). */
export const planContent = z.object({
  purpose: text(10_000).optional(),
  scope: z
    .object({
      ciIds: z.array(z.string().max(64)).max(5000),
      services: z.array(z.string().max(64)).max(1000).optional(),
      users: text(2000).optional(),
      downtimeMinutes: z.number().int().min(0).max(100_000).nullable().optional(),
      notes: text(4000).optional(),
    })
    .optional(),
  participants: z
    .array(z.object({ name: text(100), role: text(100), responsibility: text(1000) }))
    .max(200)
    .optional(),
  risks: z
    .array(
      z.object({
        category: z.enum(['technical', 'business', 'management']),
        description: text(2000),
        likelihood: z.enum(['low', 'medium', 'high']),
        impact: z.enum(['low', 'medium', 'high']),
        response: text(2000),
      }),
    )
    .max(200)
    .optional(),
  baseline: z
    .object({
      baselineId: z.string().max(64).nullable().optional(),
      targets: z
        .array(
          z.object({
            ciId: z.string().max(64),
            currentVersion: text(100).nullable().optional(),
            targetVersion: text(100),
          }),
        )
        .max(5000),
      noChangeReason: text(2000).nullable().optional(),
    })
    .optional(),
  postDeployment: text(10_000).optional(),
  window: z
    .object({ start: z.iso.datetime({ offset: true }), end: z.iso.datetime({ offset: true }) })
    .optional(),
  resources: text(10_000).optional(),
  steps: z.array(step).max(500).optional(),
  rollback: z
    .object({
      steps: z.array(step).max(500),
      triggers: z.array(z.object({ indicator: text(200), threshold: text(200) })).max(100),
    })
    .optional(),
  monitoring: z
    .object({
      indicators: z
        .array(
          z.object({
            key: z.string().regex(/^[a-z][a-z0-9_]{0,49}$/, FIELDS.key_characters),
            name: text(200),
            query: text(2000).nullable().optional(),
            comparator: z.enum(['gt', 'gte', 'lt', 'lte']),
            threshold: z.number().finite(),
            unit: text(30).nullable().optional(),
          }),
        )
        .max(50)
        .refine(
          (list) => new Set(list.map((i) => i.key)).size === list.length,
          FIELDS.each_indicator_key_once,
        ),
      errorPatterns: z
        .array(
          text(500).refine((p) => invalidPattern(p) === null, {
            message: FIELDS.not_regular_expression,
          }),
        )
        .max(100),
    })
    .optional(),
});

export const planView = z.object({
  id: z.string(),
  releaseId: z.string(),
  version: z.number(),
  status: planStatus,
  content: planContent,
  drafterId: z.string(),
  drafterName: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  submittedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
  comments: z.array(
    z.object({
      seq: z.number(),
      kind: z.string(),
      text: z.string().nullable(),
      authorId: z.string(),
      authorName: z.string(),
      at: z.string(),
    }),
  ),
});

/** PL-2: the plan as last put to a decision before the version in hand (null: a first submission). */
export const previousDecisionView = z.object({
  previous: z
    .object({
      version: z.number(),
      status: planStatus,
      decidedAt: z.string().nullable(),
      content: planContent,
    })
    .nullable(),
});

export const conflictView = z.object({
  key: z.string(),
  kind: z.enum(['freeze', 'release']),
  reason: reasonSchema,
  description: z.string().describe('The reason in English'),
  override: z
    .object({ conflictKey: z.string(), reason: z.string(), byName: z.string(), at: z.string() })
    .nullable(),
});

export const commentInput = z.object({ comment: z.string().trim().max(4000).nullable().optional() });
export const requiredCommentInput = z.object({
  comment: z.string().trim().min(1, FIELDS.say_what_must_change).max(4000),
});
export const reasonInput = z.object({ reason: z.string().trim().min(1, FIELDS.give_reason).max(2000) });
export const overrideParams = z.object({ id: z.string().min(1).max(64), key: z.string().min(1).max(200) });
export const idParams = z.object({ id: z.string().min(1).max(64) });
export const rangeQuery = z.object({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
});
export const freezeInput = z.object({
  name: z.string().trim().min(1, FIELDS.required).max(200),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  reason: z.string().max(2000).nullable().optional(),
});
export const freezeView = z.object({
  id: z.string(),
  name: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export const calendarView = z.object({
  freezes: z.array(freezeView),
  windows: z.array(
    z.object({
      releaseId: z.string(),
      number: z.string(),
      title: z.string(),
      type: z.enum(RELEASE_TYPES).nullable(),
      state: z.enum(RELEASE_STATES),
      planVersion: z.number(),
      planStatus,
      start: z.string(),
      end: z.string(),
    }),
  ),
});
