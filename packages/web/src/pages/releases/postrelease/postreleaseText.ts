import type { TFunction } from 'i18next';

/**
 * The post-release and close rules (PO-1…PO-3, CL-1) in the reader's language: the server names
 * each rule in English; these put its name, its blockers and its refusals into words.
 */
const RULE_KEYS: Record<string, string> = {
  'PO-1 effect verification by operations': 'verifiers',
  'PO-1 user acceptance by a business-department representative': 'acceptanceSigner',
  'RO-3 the configuration administrator updates the CMDB': 'cmdbUpdaters',
  'PO-2 CMDB update task': 'cmdbTask',
  'PO-2 CMDB update': 'cmdbUpdate',
  'PO-3 operations archives the record': 'archivers',
  'CL-1 only the operations manager closes': 'managerCloses',
  'CL-1 verification done': 'verificationDone',
  'CL-1 CMDB update done': 'cmdbDone',
  'CL-1 documents archived': 'archived',
  'PO-1 evidence': 'evidence',
  'PO-1 user acceptance': 'acceptance',
  'PO-1 effect verification': 'verification',
};

export function postReleaseRuleLabel(t: TFunction, rule: string): string | undefined {
  const key = RULE_KEYS[rule];
  return key ? t(`postrelease.rules.${key}`) : undefined;
}

/** "functional, user_acceptance" → "功能验证、用户验收" */
export function verificationItemsText(t: TFunction, keys: readonly string[]): string {
  return keys
    .map((k) => t(`postrelease.items.${k}`, { defaultValue: k }))
    .join(t('postrelease.itemSeparator'));
}

/** One blocker of a post-release or close action, by its rule and the server's words. */
export function postReleaseBlockerReason(t: TFunction, rule: string, reason: string): string | undefined {
  const b = 'postrelease.blockers';
  switch (rule) {
    case 'CL-1 verification done': {
      const m = /^post-release verification not passed: (.+)$/.exec(reason);
      return m ? t(`${b}.pending`, { items: verificationItemsText(t, m[1].split(', ')) }) : undefined;
    }
    case 'CL-1 CMDB update done':
      return t(`${b}.cmdbNotDone`);
    case 'CL-1 documents archived':
      return t(`${b}.notArchived`);
    case 'PO-2 CMDB update task':
      if (reason === 'the CMDB update is already done') return t(`${b}.cmdbAlreadyDone`);
      if (reason === 'there is no CMDB update task') return t(`${b}.noCmdbTask`);
      return undefined;
    default:
      return undefined;
  }
}

/** A refusal of a post-release action, in words, or undefined when it is not one of these. */
export function postReleaseRefusal(
  t: TFunction,
  message: string,
  rule: string,
  named: (text: string) => string,
): string | undefined {
  const r = 'postrelease.refusals';
  switch (rule) {
    case 'PO-1 evidence':
      return named(t('postrelease.verify.needsEvidence'));
    case 'PO-1 effect verification':
      return named(
        message.startsWith('User acceptance is signed off')
          ? t(`${r}.acceptanceNotHere`)
          : t(`${r}.unknownItem`),
      );
    case 'PO-1 user acceptance':
      return named(t(`${r}.refuseReason`));
    case 'PO-2 CMDB update': {
      const m = /^Configuration item (\S+) /.exec(message);
      return named(t(`${r}.ciGone`, { ci: m?.[1] ?? '' }));
    }
    default:
      return undefined;
  }
}
