import type { Labelled, PolicyRules } from '@releasegate/domain';
import type { Verification } from './postrelease.repository';

/** PO-1: each verification item of the policy with its latest result; `pending` lists those not passed. */
export function verificationState(rules: PolicyRules, results: Verification[]) {
  const latest = new Map<string, Verification>();
  for (const r of results) latest.set(r.itemKey, r);
  const items = rules.postReleaseVerifications.map((item: Labelled) => ({
    ...item,
    latest: latest.get(item.key) ?? null,
  }));
  return { items, pending: items.filter((i) => i.latest?.result !== 'passed').map((i) => i.key) };
}
