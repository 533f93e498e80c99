import type { TFunction } from 'i18next';

/** The refusals of the post-release and close rules (PO-1…PO-3, CL-1) in the reader's language. */

/** A refusal of a post-release action, in words, or undefined when it is not one of these. */
export function postReleaseRefusal(
  t: TFunction,
  message: string,
  rule: string,
  named: (text: string) => string,
): string | undefined {
  const r = 'postrelease.refusals';
  switch (rule) {
    case 'verification_evidence':
      return named(t('postrelease.verify.needsEvidence'));
    case 'effect_verification':
      return named(
        message.startsWith('User acceptance is signed off')
          ? t(`${r}.acceptanceNotHere`)
          : t(`${r}.unknownItem`),
      );
    case 'user_acceptance':
      return named(t(`${r}.refuseReason`));
    case 'cmdb_update': {
      const m = /^Configuration item (\S+) /.exec(message);
      return named(t(`${r}.ciGone`, { ci: m?.[1] ?? '' }));
    }
    default:
      return undefined;
  }
}
