import { describe, expect, it } from 'vitest';
import type { TFunction } from 'i18next';
import { POLICY_BOUNDS } from '@releasegate/domain';
import openapiText from '../../../../docs/openapi.json?raw';
import { numberRule } from './forms';
import { NUMBER_LIMITS, normalizeTypedNumber, type NumberLimit } from './numbers';

interface NumberSchema {
  type?: string;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  anyOf?: NumberSchema[];
  properties?: Record<string, NumberSchema>;
  items?: NumberSchema;
}

const openapi = JSON.parse(openapiText) as {
  paths: Record<
    string,
    Record<string, { requestBody: { content: { 'application/json': { schema: NumberSchema } } } }>
  >;
};

/** The schema of a request body's field: `steps[].expectedMinutes`, `external.size`. */
function requestField(method: string, route: string, field: string): NumberSchema {
  let node = openapi.paths[route][method].requestBody.content['application/json'].schema;
  for (const part of field.split('.')) {
    const name = part.replace(/\[\]$/, '');
    // A nullable object is `anyOf: [object, null]`.
    node = (node.properties ? node : node.anyOf!.find((s) => s.properties)!).properties![name];
    if (part.endsWith('[]')) node = node.items!;
  }
  // A nullable number is `anyOf: [number, null]`.
  return node.anyOf?.find((s) => s.type === 'integer' || s.type === 'number') ?? node;
}

/** Where the server checks each of the web's number limits: request fields, and the domain's bounds. */
const SERVER: Record<
  keyof typeof NUMBER_LIMITS,
  { fields: [string, string, string][]; domain?: keyof typeof POLICY_BOUNDS }
> = {
  tokenExpiresInDays: { fields: [['post', '/api/tokens', 'expiresInDays']] },
  planStepMinutes: {
    fields: [
      ['put', '/api/releases/{id}/plan', 'steps[].expectedMinutes'],
      ['put', '/api/releases/{id}/plan', 'rollback.steps[].expectedMinutes'],
      ['put', '/api/releases/{id}/plan/completion', 'steps[].expectedMinutes'],
    ],
  },
  planDowntimeMinutes: {
    fields: [
      ['put', '/api/releases/{id}/plan', 'scope.downtimeMinutes'],
      ['put', '/api/releases/{id}/plan/completion', 'scope.downtimeMinutes'],
    ],
  },
  estimateHours: { fields: [['post', '/api/releases/{id}/assessments/resource', 'time.estimateHours']] },
  dslExternalSize: { fields: [['post', '/api/dsl/versions', 'external.size']] },
  policyCabQuorum: { fields: [['post', '/api/policy/versions', 'rules.cabQuorum']], domain: 'cabQuorum' },
  policyEmergencyCabQuorum: {
    fields: [['post', '/api/policy/versions', 'rules.emergencyCab.quorum']],
    // At most the CAB's quorum, itself within the CAB quorum's bounds.
    domain: 'cabQuorum',
  },
  policyCmdbUpdateHours: {
    fields: [['post', '/api/policy/versions', 'rules.deadlines.cmdbUpdateHours']],
    domain: 'cmdbUpdateHours',
  },
  policyRollbackDecisionMinutes: {
    fields: [['post', '/api/policy/versions', 'rules.deadlines.rollbackDecisionMinutes']],
    domain: 'rollbackDecisionMinutes',
  },
  policyEscalateMinutesBefore: {
    fields: [['post', '/api/policy/versions', 'rules.deadlines.escalateMinutesBefore[]']],
  },
  policySuccessRateTarget: {
    fields: [['post', '/api/policy/versions', 'rules.successRateTarget']],
    domain: 'successRateTarget',
  },
  policyComplaintCount: { fields: [['post', '/api/policy/versions', 'rules.complaintThreshold.count']] },
  wecomAgentId: { fields: [['post', '/api/notifications/webhooks', 'app.agentId']] },
  policyComplaintWithinMinutes: {
    fields: [['post', '/api/policy/versions', 'rules.complaintThreshold.withinMinutes']],
  },
};

describe('X-4: number fields say what is wrong instead of changing it', () => {
  it.each(Object.keys(SERVER) as (keyof typeof NUMBER_LIMITS)[])(
    "%s: the web's bounds are the server's (request schema, and the policy's invariants where narrower)",
    (key) => {
      const limit: NumberLimit = NUMBER_LIMITS[key];
      const { fields, domain } = SERVER[key];
      for (const [method, route, field] of fields) {
        const schema = requestField(method, route, field);
        expect(limit.integer, `${route} ${field} type`).toBe(schema.type === 'integer');
        if (schema.exclusiveMinimum !== undefined) {
          expect(limit.above, `${route} ${field}`).toBe(true);
          expect(limit.min).toBe(schema.exclusiveMinimum);
        } else {
          expect(limit.above ?? false).toBe(false);
          expect(limit.min).toBe(domain ? POLICY_BOUNDS[domain].min : schema.minimum);
        }
        expect(limit.max).toBe(domain ? POLICY_BOUNDS[domain].max : schema.maximum);
        // The domain's bounds narrow the schema's, never widen them.
        if (domain) {
          expect(POLICY_BOUNDS[domain].min).toBeGreaterThanOrEqual(schema.minimum!);
          expect(POLICY_BOUNDS[domain].max).toBeLessThanOrEqual(schema.maximum!);
        }
      }
    },
  );

  const t = ((key: string, options?: Record<string, unknown>) =>
    options ? `${key} ${JSON.stringify(options)}` : key) as unknown as TFunction;
  const check = async (limit: NumberLimit, value: unknown): Promise<string | null> => {
    const rule = numberRule(t, limit) as { validator: (rule: unknown, value: unknown) => Promise<void> };
    try {
      await rule.validator({}, value);
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('days to expiry: −5, 1.5 and 1e9 are refused, each saying why; 1 to 366 and an empty field pass', async () => {
    const days = NUMBER_LIMITS.tokenExpiresInDays;
    expect(await check(days, -5)).toBe('common.numberAtLeast {"min":1}');
    expect(await check(days, 1.5)).toBe('common.numberInteger');
    expect(await check(days, 1e9)).toBe('common.numberAtMost {"max":366}');
    expect(await check(days, Number.NaN)).toBe('common.numberInvalid');
    for (const ok of [1, 90, 366, null, undefined]) expect(await check(days, ok)).toBeNull();
  });

  it('hours of work: halves are fine, zero is not (the number must be above 0)', async () => {
    const hours = NUMBER_LIMITS.estimateHours;
    expect(await check(hours, 0.5)).toBeNull();
    expect(await check(hours, 0)).toBe('common.numberAbove {"min":0}');
    expect(await check(hours, -5)).toBe('common.numberAbove {"min":0}');
  });

  it('what is typed keeps its sign and digits: −5 (minus sign), full-width －５．５, 1e9, 1,000', () => {
    expect(normalizeTypedNumber('−5')).toBe('-5');
    expect(normalizeTypedNumber('－５．５')).toBe('-5.5');
    expect(normalizeTypedNumber('1。5')).toBe('1.5');
    expect(normalizeTypedNumber('1e9')).toBe('1e9');
    expect(normalizeTypedNumber('１ｅ９')).toBe('1e9');
    expect(normalizeTypedNumber('1,000')).toBe('1000');
    expect(normalizeTypedNumber(' 42 ')).toBe('42');
  });
});
