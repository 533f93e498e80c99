import { z } from 'zod';

export const stepParams = z.object({
  id: z.string().min(1).max(64),
  phase: z.enum(['implementation', 'rollback']),
  index: z.coerce.number().int().min(0).max(499),
});

const reportId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .nullable()
  .optional()
  .describe('IM-7: an idempotency key; a report delivered twice counts once');

const startStep = z.object({
  reportId,
  executor: z.string().trim().max(200).nullable().optional(),
});

export const startStepInput = startStep.meta({
  examples: [{ reportId: 'pipeline-8812-step-3-start', executor: 'ci-runner-07' }],
});

export const finishStepInput = startStep
  .extend({
    status: z.enum(['succeeded', 'failed']),
    result: z.string().max(4000).nullable().optional(),
    output: z.string().max(65_536).nullable().optional(),
  })
  .meta({
    examples: [
      {
        reportId: 'pipeline-8812-step-3-finish',
        status: 'succeeded',
        result: 'order-service 2.4.1 deployed to 6 of 6 nodes',
        output: 'rollout complete',
      },
    ],
  });

const planStep = z.object({
  title: z.string(),
  owner: z.string(),
  /** IM-2, RO-3: the account the step is assigned to, if any. */
  assignee: z.string().nullable().optional(),
  expectedMinutes: z.number(),
  verification: z.string(),
});

const stepRun = z.object({
  phase: z.enum(['implementation', 'rollback']),
  stepIndex: z.number(),
  planVersion: z.number(),
  title: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  attempt: z.number(),
  executor: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  result: z.string().nullable(),
  output: z.string().nullable(),
});

const phaseView = z.object({
  progress: z.object({
    total: z.number(),
    done: z.number(),
    failed: z.number(),
    current: z
      .object({
        index: z.number(),
        title: z.string(),
        status: z.enum(['running', 'succeeded', 'failed', 'pending']),
      })
      .nullable(),
    plannedMinutes: z.number(),
    elapsedMinutes: z.number(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  }),
  steps: z.array(planStep.extend({ index: z.number(), run: stepRun.nullable() })),
});

export const progressView = z.object({
  releaseId: z.string(),
  number: z.string(),
  state: z.string(),
  planVersion: z.number().nullable(),
  window: z.object({ start: z.string(), end: z.string() }).nullable(),
  now: z.string(),
  implementation: phaseView,
  rollback: phaseView,
});

export const stepReportView = progressView.extend({ duplicate: z.boolean() });
