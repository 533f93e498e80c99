import type { TFunction } from 'i18next';
import type { CiHistoryEntry } from '../../api/types';
import { reasonText } from '../../common/ruleText';

/**
 * Why: a reason the system gave (an import, a release's CMDB update) from its code, in the reader's
 * language; a person's own words, and entries from before the codes, as stored.
 */
export const historyReasonText = (
  t: TFunction,
  entry: Pick<CiHistoryEntry, 'reason' | 'systemReason'>,
): string => (entry.systemReason ? reasonText(t, entry.systemReason) : (entry.reason ?? ''));
