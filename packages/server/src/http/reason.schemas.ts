import { z } from 'zod';
import { FIELD_CODES, GAP_CODES, REASON_CODES, RULE_CODES } from '@releasegate/messages';
import { PLAN_SECTIONS } from '@releasegate/domain';

/**
 * The codes a refusal, blocker or check carries (docs/decisions/0021): enums in the OpenAPI
 * document, rendered in Chinese or English by @releasegate/messages.
 */
export const ruleCode = z.enum(RULE_CODES).describe('The rule, as a stable code of the message catalog');
export const requirementId = z
  .string()
  .nullable()
  .describe("The requirement the rule belongs to ('RB-2'); null for the lifecycle's own rules");
export const reasonCode = z.enum(REASON_CODES).describe('Why, as a stable code of the message catalog');
export const reasonParams = z
  .record(z.string(), z.unknown())
  .describe("The reason's parameters, by the names its message uses");

/** A reason on its own (a criterion of the type proposal, a schedule conflict). */
export const reasonSchema = z.object({ code: reasonCode, params: reasonParams });

/** What is wrong with one field (or cell), as a code of the catalog's `fields` and its parameters. */
export const fieldProblemSchema = z.object({
  code: z.enum(FIELD_CODES).describe('The problem, as a stable code of the message catalog'),
  params: reasonParams,
});

/** PL-1: why a plan section is incomplete. */
export const gapSchema = z.object({
  section: z.enum(PLAN_SECTIONS),
  code: z.enum(GAP_CODES),
  reason: z.string().describe('In English'),
});

/** The coded part every blocker and gate check carries, besides its English words. */
export const codedRule = {
  code: ruleCode,
  requirement: requirementId,
  reasonCode,
  params: reasonParams,
};
