import type { Release } from '../../../api/types';
import type { ReleaseTab } from '../releaseActions';

/** Outcomes of a release that ran: what its close records (cancelled and rejected ones never ran). */
const RAN: readonly (Release['outcome'] & string)[] = ['successful', 'failed', 'rolled_back'];

/**
 * 发布后管理 once the implementation is complete (and after the close of a release that got there);
 * 关闭 from then on, or once a rollback is complete. Every other tab is shown as before.
 */
export function afterReleaseTabShown(tab: ReleaseTab, r: Pick<Release, 'state' | 'outcome'>): boolean {
  const ran = r.state === 'closed' && r.outcome !== null && RAN.includes(r.outcome);
  if (tab === 'postrelease') return r.state === 'post_release' || (ran && r.outcome !== 'rolled_back');
  if (tab === 'close') return r.state === 'post_release' || r.state === 'rolled_back' || ran;
  return true;
}
