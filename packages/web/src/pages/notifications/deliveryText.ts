import type { TFunction } from 'i18next';
import type { Reason } from '@releasegate/messages';
import { reasonText } from '../../common/ruleText';

/**
 * Why a delivery (or a test) failed, in the reader's language: from its catalog reason (the class,
 * the host, the status: never the receiver's words, X-4); a record from before the codes, or an
 * error the server could not classify, as the server wrote it.
 */
export const deliveryErrorText = (
  t: TFunction,
  error: {
    reason: Reason | { code: Reason['code']; params: Record<string, unknown> } | null;
    text: string | null;
  },
): string => (error.reason ? reasonText(t, error.reason) : (error.text ?? ''));
