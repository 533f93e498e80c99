import { randomUUID } from 'node:crypto';

/**
 * Plausible values for the path parameters of the API's routes (other than `id`, which names
 * whatever the test made): walks of every route use them to reach past "not found".
 */
export function pathParameterExamples(): Record<string, string> {
  return {
    triggerId: randomUUID(),
    key: 'environment_check',
    phase: 'implementation',
    index: '1',
    version: '1',
    digest: 'a'.repeat(64),
    system: 'itsm',
    quarter: '2026-Q1',
  };
}
