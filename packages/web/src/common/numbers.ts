/** A number field's bounds: `min`..`max` (above `min` when `above`), a whole number when `integer`. */
export interface NumberLimit {
  min: number;
  max: number;
  integer: boolean;
  /** The number must be greater than `min`, not equal to it. */
  above?: boolean;
}

/**
 * the bounds of every number a form sends, the same as the server's: its request schemas
 * (docs/openapi.json, generated from them), and for the policy's rules also the domain's
 * POLICY_BOUNDS, which are narrower than the schema where both speak (PC-1). numbers.test.ts
 * holds them to both. Numbers the server takes whatever they are (a monitoring threshold, a
 * reading, a CI's number attribute) are only required to be finite, which the input ensures.
 */
export const NUMBER_LIMITS = {
  /** Days until an API token expires. */
  tokenExpiresInDays: { min: 1, max: 366, integer: true },
  /** A plan step's expected minutes. */
  planStepMinutes: { min: 0, max: 10_000, integer: true },
  /** A plan's expected downtime in minutes. */
  planDowntimeMinutes: { min: 0, max: 100_000, integer: true },
  /** The assessment's estimate of the work, in hours (halves and the like allowed). */
  estimateHours: { min: 0, max: 10_000, integer: false, above: true },
  /** The size in bytes of a DSL version's external file. */
  dslExternalSize: { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true },
  /** IN-1: CAB members needed for a decision. */
  policyCabQuorum: { min: 1, max: 15, integer: true },
  /** IN-1, TY-4: members of the expedited CAB needed for an emergency change (also at most the CAB's). */
  policyEmergencyCabQuorum: { min: 1, max: 15, integer: true },
  /** PO-2: hours to update the CMDB after a release. */
  policyCmdbUpdateHours: { min: 1, max: 168, integer: true },
  /** RB-2: minutes to decide on a rollback. */
  policyRollbackDecisionMinutes: { min: 5, max: 240, integer: true },
  /** RB-2: escalate so many minutes before the decision is due (also below the decision clock). */
  policyEscalateMinutesBefore: { min: 1, max: 1440, integer: true },
  /** KP-1: the success-rate target in percent. */
  policySuccessRateTarget: { min: 50, max: 100, integer: false },
  /** Complaints that make a rollback trigger… */
  policyComplaintCount: { min: 1, max: 10_000, integer: true },
  /** …within so many minutes. */
  policyComplaintWithinMinutes: { min: 1, max: 1440, integer: true },
  /** a WeCom app's AgentId. */
  wecomAgentId: { min: 1, max: 2_147_483_647, integer: true },
} as const satisfies Record<string, NumberLimit>;

/**
 * What a person may type for a number, in the characters the number parser knows: the minus sign
 * (−, U+2212), full-width digits, minus, full stop and e from a Chinese input method, the 。 of one.
 * What is left that cannot be part of a number (spaces, thousands separators, currency signs) is
 * dropped, as InputNumber's own parser does. With that parser alone a pasted "−5" lost its sign:
 * it dropped the "−" as a stray sign and read 5.
 */
export function normalizeTypedNumber(text: string): string {
  return text
    .replace(/[\u2212\uFF0D\uFE63]/g, '-')
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[\uFF0E。]/g, '.')
    .replace(/[\uFF45\uFF25]/g, 'e')
    .replace(/[^\w.-]+/g, '');
}
