import { FIELDS } from '@releasegate/messages';
import { z } from 'zod';
import { httpUrl } from '../../http/http-url';
import { pageQuery } from '../../http/page.schemas';
import { CHANGE_SORTS } from './change.repository';
import {
  CAB_BODIES,
  CHANGE_RISKS,
  CHANGE_SOURCES,
  CHANGE_STATES,
  EXTERNAL_STATUSES,
  ROLES,
  VOTE_DECISIONS,
} from '@releasegate/domain';

const ciIds = z.array(z.string().trim().min(1).max(64)).max(500, FIELDS.cis_max);

export const changeView = z.object({
  id: z.string(),
  number: z.string(),
  source: z.enum(CHANGE_SOURCES),
  external: z
    .object({
      system: z.string(),
      key: z.string(),
      status: z.enum(EXTERNAL_STATUSES),
      url: z.string().nullable(),
    })
    .nullable(),
  title: z.string(),
  description: z.string().nullable(),
  requester: z.string(),
  risk: z.enum(CHANGE_RISKS).nullable(),
  state: z.enum(CHANGE_STATES),
  ciIds: z.array(z.string()),
  approvedBy: z.array(z.string()),
  approvedAt: z.string().nullable(),
  submittedAt: z.string().nullable(),
  rejectedAt: z.string().nullable(),
  withdrawnBy: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  withdrawReason: z.string().nullable(),
  implementedAt: z.string().nullable(),
  implementedBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** IN-1, TY-4: an emergency change (the emergency CAB may approve it), and why. */
  emergency: z.boolean(),
  emergencyReason: z.string().nullable(),
  /** IN-1: which body approved it: the full CAB, or the emergency CAB. */
  approvedVia: z.enum(CAB_BODIES).nullable(),
});

export const voteView = z.object({
  id: z.string(),
  voter: z.string(),
  decision: z.enum(VOTE_DECISIONS),
  comment: z.string(),
  votedAt: z.string(),
  /** IN-1: replaced by the member's later vote (it no longer counts), and when. */
  supersededBy: z.string().nullable(),
  supersededAt: z.string().nullable(),
  /** IN-1: cast on an emergency change by a member of the emergency CAB (counts toward its quorum). */
  emergencyCab: z.boolean(),
});

export const changeDetailView = changeView.extend({
  votes: z.array(voteView),
  quorum: z.object({
    required: z.number(),
    approve: z.number(),
    reject: z.number(),
    /** IN-1: the enabled people who may vote on this change (its requester may not). */
    eligible: z.number(),
    /** IN-1, TY-4: for an emergency change, the emergency CAB's count and who sits on it. */
    expedited: z
      .object({
        required: z.number(),
        approve: z.number(),
        reject: z.number(),
        voters: z.array(z.enum(ROLES)),
        eligible: z.number(),
      })
      .nullable(),
  }),
  cis: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.string(),
      environment: z.string(),
      status: z.string(),
    }),
  ),
  /** PR-4: the releases carrying the change (filled in by the releases module). */
  releases: z.array(z.object({ id: z.string(), number: z.string(), title: z.string(), state: z.string() })),
});

const title = z.string().trim().min(1, FIELDS.required).max(200);
const description = z.string().max(4000).nullable().optional();
/** IN-1, TY-4: an emergency change names why it cannot wait for the full CAB. */
const emergency = z.boolean().optional();
const emergencyReason = z.string().max(2000).nullable().optional();

export const createChangeInput = z.object({
  title,
  description,
  risk: z.enum(CHANGE_RISKS, { error: `one of ${CHANGE_RISKS.join(', ')}` }),
  ciIds: ciIds.optional(),
  emergency,
  emergencyReason,
});
export const updateChangeInput = z.object({
  title: title.optional(),
  description,
  risk: z.enum(CHANGE_RISKS, { error: `one of ${CHANGE_RISKS.join(', ')}` }).optional(),
  ciIds: ciIds.optional(),
  emergency,
  emergencyReason,
});
export const voteInput = z.object({
  decision: z.enum(VOTE_DECISIONS, { error: 'approve or reject' }),
  comment: z.string().trim().min(1, FIELDS.say_why).max(2000),
});
export const withdrawInput = z.object({ reason: z.string().trim().min(1, FIELDS.say_why).max(2000) });

export const listQuery = z
  .object({
    state: z.enum(CHANGE_STATES).optional(),
    source: z.enum(CHANGE_SOURCES).optional(),
    q: z.string().max(100).optional(),
  })
  .extend(pageQuery(CHANGE_SORTS, '-createdAt').shape);
export const idParams = z.object({ id: z.string().min(1).max(64) });

const system = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, FIELDS.change_key_characters);
const key = z
  .string()
  .trim()
  .min(1, FIELDS.required)
  .max(100)
  .regex(/^[^\s/\\]+$/, FIELDS.no_spaces_or_slashes);
export const externalParams = z.object({ system, key });
export const systemParams = z.object({ system });

/**
 * IN-2: an external change as its system sees it. The body is the whole record: an omitted
 * optional field is cleared — except the approver and the approval time, which stay on the
 * record once given, even when the approval is revoked later.
 */
export const externalChangeInput = z.object({
  title,
  description,
  status: z.enum(EXTERNAL_STATUSES, { error: `one of ${EXTERNAL_STATUSES.join(', ')}` }),
  approver: z.string().trim().min(1).max(200).nullable().optional(),
  /** IN-2: when the external system last changed it; an older state than the one held is refused. */
  updatedAt: z.iso
    .datetime({ offset: true, error: FIELDS.iso_time })
    .transform((v) => new Date(v).toISOString())
    .optional(),
  approvedAt: z.iso
    .datetime({ offset: true, error: FIELDS.iso_time })
    .transform((v) => new Date(v).toISOString())
    .nullable()
    .optional(),
  url: httpUrl().nullable().optional(),
  ciIds: ciIds.optional(),
});
export type ExternalChangeInput = z.infer<typeof externalChangeInput>;

export const webhookChangeInput = externalChangeInput.extend({ key });

export const webhookHeaders = z.object({
  'x-releasegate-signature': z.string().optional().meta({
    description:
      't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<delivery id>.<raw body>" with the system\'s secret>',
  }),
  'x-releasegate-delivery': z.string().optional().meta({ description: 'the delivery id, 1–200 characters' }),
});

export const webhookResult = z.object({
  delivery: z.enum(['accepted', 'duplicate']),
  deliveryId: z.string(),
  changed: z.boolean(),
  change: changeDetailView.nullable(),
});
