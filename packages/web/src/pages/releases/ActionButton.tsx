import { Button, Dropdown, Flex, Tooltip, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import {
  CheckCircleOutlined,
  CheckOutlined,
  CloseOutlined,
  DownOutlined,
  EditOutlined,
  FormOutlined,
  SendOutlined,
  StopOutlined,
  TagOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RELEASE_ACTIONS, type ActionAvailability, type ReleaseAction } from '../../api/types';
import { blockerText } from '../../common/ruleText';
import { onlyStateBlocked, useReleaseActions } from './releaseActions';

const ICONS: Record<ReleaseAction, React.ReactNode> = {
  accept: <CheckCircleOutlined />,
  reject: <CloseOutlined />,
  classify: <TagOutlined />,
  edit_plan: <EditOutlined />,
  submit_plan: <SendOutlined />,
  approve_plan: <CheckOutlined />,
  reject_plan: <CloseOutlined />,
  revise_plan: <FormOutlined />,
  cancel: <StopOutlined />,
};

const PRIMARY: readonly ReleaseAction[] = ['accept', 'submit_plan', 'approve_plan'];
const DANGER: readonly ReleaseAction[] = ['reject', 'reject_plan', 'cancel'];

/** Every reason the server gave for refusing an action, each with its rule. */
export function BlockerList({ availability }: { availability: ActionAvailability }) {
  const { t } = useTranslation();
  const { release } = useReleaseActions();
  return (
    <div data-testid={`blockers-${availability.action}`}>
      <div style={{ fontWeight: 500, marginBottom: 4 }}>
        {t('releases.blockedTitle', { action: t(`releases.actions.${availability.action}`) })}
      </div>
      <ul style={{ margin: 0, paddingInlineStart: 18 }}>
        {availability.blockers.map((b, i) => (
          <li key={i}>{blockerText(t, b, release.changes)}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * One lifecycle action as the server offers it to this user: a button when allowed; disabled,
 * with the reasons and rules in a tooltip, when not.
 */
export function ActionButton({ action, ...props }: { action: ReleaseAction } & Omit<ButtonProps, 'onClick'>) {
  const { t } = useTranslation();
  const { availability, run, running } = useReleaseActions();
  const a = availability(action);
  const button = (
    <Button
      type={PRIMARY.includes(action) ? 'primary' : 'default'}
      danger={DANGER.includes(action)}
      icon={ICONS[action]}
      disabled={!a.allowed}
      loading={running === action}
      onClick={() => run(action)}
      data-testid={`action-${action}`}
      style={a.allowed ? undefined : { pointerEvents: 'none' }}
      {...props}
    >
      {t(`releases.actions.${action}`)}
    </Button>
  );
  if (a.allowed) return button;
  // A disabled button fires no mouse events: the wrapper carries the tooltip.
  return (
    <Tooltip title={<BlockerList availability={a} />} styles={{ root: { maxWidth: 420 } }}>
      <span style={{ display: 'inline-block', cursor: 'not-allowed' }} data-testid={`action-wrap-${action}`}>
        {button}
      </span>
    </Tooltip>
  );
}

/**
 * The actions of the release: those open now or blocked by a rule as buttons, and those that
 * belong to another step of the lifecycle in a menu, each with why not now.
 */
export function ReleaseActionBar() {
  const { t } = useTranslation();
  const { release, availability } = useReleaseActions();
  const all = RELEASE_ACTIONS.map(availability);
  const shown = all.filter((a) => !onlyStateBlocked(a));
  const later = all.filter(onlyStateBlocked);
  return (
    <Flex gap={8} wrap data-testid="release-actions">
      {shown.map((a) => (
        <ActionButton key={a.action} action={a.action} />
      ))}
      {later.length > 0 && (
        <Dropdown
          trigger={['click']}
          menu={{
            items: later.map((a) => ({
              key: a.action,
              disabled: true,
              label: (
                <Flex vertical style={{ maxWidth: 360 }}>
                  <span>{t(`releases.actions.${a.action}`)}</span>
                  {a.blockers.map((b, i) => (
                    <Typography.Text key={i} type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>
                      {blockerText(t, b, release.changes)}
                    </Typography.Text>
                  ))}
                </Flex>
              ),
            })),
          }}
        >
          <Button data-testid="release-more-actions">
            {t('releases.moreActions')} <DownOutlined />
          </Button>
        </Dropdown>
      )}
    </Flex>
  );
}
