import { z } from 'zod';
import { FIELDS } from '@releasegate/messages';
import { fieldProblemSchema } from '../../http/reason.schemas';

/** A Chinese mobile number (11 digits from 1[3-9]) or an E.164 number (+, 8 to 15 digits). */
export const MOBILE_PHONE = /^(?:1[3-9]\d{9}|\+[1-9]\d{7,14})$/;
/** A chat identity: DingTalk userId, WeCom userid, Feishu open_id/user_id (ASCII, at most 64). */
export const CHAT_ID = /^[A-Za-z0-9._@:-]{1,64}$/;
export const CHAT_ID_MAX = 64;

const optional = (schema: z.ZodString, normalize: (s: string) => string = (s) => s) =>
  z
    .string()
    .trim()
    .transform((s) => (s === '' ? null : normalize(s)))
    .pipe(schema.nullable())
    .nullable()
    .optional();

/**
 * A phone number as people write it — "138 0013 8000", "138-0013-8000", "+86 (138) 0013 8000",
 * full-width digits from a Chinese input method — stored as the robots take it: digits, with +.
 */
export const normalizedPhone = (s: string) => s.normalize('NFKC').replace(/[\s().-]/g, '');

/** a user's phone and chat identities; an empty string or null clears one. */
export const chatContactInput = z.object({
  mobilePhone: optional(
    z.string().max(16, FIELDS.text_max).regex(MOBILE_PHONE, FIELDS.mobile_phone),
    normalizedPhone,
  ),
  dingtalkUserId: optional(
    z.string().max(CHAT_ID_MAX, FIELDS.text_max).regex(CHAT_ID, FIELDS.chat_id_characters),
  ),
  wecomUserId: optional(
    z.string().max(CHAT_ID_MAX, FIELDS.text_max).regex(CHAT_ID, FIELDS.chat_id_characters),
  ),
  feishuUserId: optional(
    z.string().max(CHAT_ID_MAX, FIELDS.text_max).regex(CHAT_ID, FIELDS.chat_id_characters),
  ),
});
export type ChatContactInput = z.infer<typeof chatContactInput>;

export const chatContactView = z.object({
  mobilePhone: z.string().nullable(),
  dingtalkUserId: z.string().nullable(),
  wecomUserId: z.string().nullable(),
  feishuUserId: z.string().nullable(),
  /**
   * the security administrator who confirmed the chat identities (by setting or importing
   * them), and when; null: not confirmed — a card pressed in a chat app does not act as this user.
   */
  confirmedBy: z.string().nullable(),
  confirmedAt: z.string().nullable(),
});

export const contactImportQuery = z.object({
  format: z.enum(['csv', 'xlsx']),
  dryRun: z.enum(['true', 'false']).default('false'),
});

export const contactImportReport = z.object({
  dryRun: z.boolean(),
  /** True: every row was applied; false: nothing was (a file with any bad row imports nothing). */
  applied: z.boolean(),
  rows: z.number().int(),
  updated: z.number().int(),
  errors: z.array(
    z.object({
      row: z.number().int(),
      column: z.string(),
      reason: z.string().describe('The problem in English; `problem` is the same as a code'),
      problem: fieldProblemSchema,
    }),
  ),
});
export type ContactImportReport = z.infer<typeof contactImportReport>;
