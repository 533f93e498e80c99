import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { httpUrl } from '../../http/http-url';
import { pageQuery } from '../../http/page.schemas';
import { DSL_SORTS } from './dsl.repository';
import { DSL_STATES } from '@releasegate/domain';

export const dslVersionView = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  description: z.string().nullable(),
  source: z.string().nullable(),
  kind: z.enum(['upload', 'external']),
  externalUrl: z.string().nullable(),
  digest: z.string().nullable(),
  size: z.number().nullable(),
  filename: z.string().nullable(),
  mediaType: z.string().nullable(),
  state: z.enum(DSL_STATES),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decisionComment: z.string().nullable(),
  retiredBy: z.string().nullable(),
  retiredAt: z.string().nullable(),
  retireReason: z.string().nullable(),
});

export const registerVersionInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, FIELDS.required)
    .max(200)
    .regex(/^[^\s/\\]+$/, FIELDS.no_spaces_or_slashes),
  version: z
    .string()
    .trim()
    .min(1, FIELDS.required)
    .max(100)
    .regex(/^[^\s/\\]+$/, FIELDS.no_spaces_or_slashes),
  description: z.string().max(4000).nullable().optional(),
  source: z.string().max(1000).nullable().optional(),
  external: z
    .object({
      url: httpUrl(),
      digest: z.string().trim().toLowerCase(),
      size: z.number().int().nonnegative().nullable().optional(),
    })
    .optional(),
});
export const updateVersionInput = z.object({
  description: z.string().max(4000).nullable().optional(),
  source: z.string().max(1000).nullable().optional(),
});
export const decisionInput = z.object({ comment: z.string().trim().max(2000).nullable().optional() });
export const rejectInput = z.object({ comment: z.string().trim().min(1, FIELDS.say_why).max(2000) });
export const retireInput = z.object({ reason: z.string().trim().min(1, FIELDS.say_why_ds1).max(2000) });
export const listQuery = z
  .object({
    name: z.string().max(200).optional(),
    state: z.enum(DSL_STATES).optional(),
    q: z.string().max(100).optional(),
  })
  .extend(pageQuery(DSL_SORTS, '-createdAt').shape);
export const idParams = z.object({ id: z.string().min(1).max(64) });
