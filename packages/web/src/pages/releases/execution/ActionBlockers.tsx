import { Alert } from 'antd';
import type { ReleaseAction } from '../../../api/types';
import { BlockerList } from '../ActionButton';
import { onlyStateBlocked, useReleaseActions } from '../releaseActions';

/**
 * Why an action the page offers cannot be taken now, in place (not only in a tooltip): the
 * rules and reasons the server gives. Nothing when it is allowed or belongs to another state.
 */
export function ActionBlockers({ action, style }: { action: ReleaseAction; style?: React.CSSProperties }) {
  const { availability } = useReleaseActions();
  const a = availability(action);
  if (a.allowed || a.blockers.length === 0 || onlyStateBlocked(a)) return null;
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
