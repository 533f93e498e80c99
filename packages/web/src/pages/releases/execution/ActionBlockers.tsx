import { Alert } from 'antd';
import type { ReleaseAction } from '../../../api/types';
import { BlockerList } from '../ActionButton';
import { onlyStateBlocked, useReleaseActions } from '../releaseActions';

/**
 * Why an action the page offers cannot be taken now, in place (not only in a tooltip): the
 * rules and reasons the server gives. Nothing when it is allowed, belongs to another state, or
 * is another role's to take.
 */
export function ActionBlockers({
  action,
  style,
  roleToo = false,
}: {
  action: ReleaseAction;
  style?: React.CSSProperties;
  /** Say whose it is too (a rollback decision waiting: everyone should know who decides). */
  roleToo?: boolean;
}) {
  const { availability } = useReleaseActions();
  const a = availability(action);
  if (a.allowed || a.blockers.length === 0 || onlyStateBlocked(a)) return null;
  // Someone else's job (a business representative on a verification): the disabled button's
  // tooltip says whose; a warning across the page would read as a problem.
  if (!roleToo && a.blockers.every((b) => b.kind === 'role')) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16, ...style }}
      title={<BlockerList availability={a} />}
      data-testid={`inline-blockers-${action}`}
    />
  );
}
