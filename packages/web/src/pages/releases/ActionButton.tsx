import { Button, Flex, Tooltip } from 'antd';
import type { ButtonProps } from 'antd';
import {
  AlertOutlined,
  AuditOutlined,
  CarryOutOutlined,
  CheckCircleOutlined,
  CheckOutlined,
  CloseCircleOutlined,
  CloseOutlined,
  DatabaseOutlined,
  DownOutlined,
  EditOutlined,
  FlagOutlined,
  FormOutlined,
  InboxOutlined,
  LineChartOutlined,
  PlayCircleOutlined,
  RollbackOutlined,
  SafetyCertificateOutlined,
  SendOutlined,
  SignatureOutlined,
  StepForwardOutlined,
  StopOutlined,
  TagOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ActionAvailability, ReleaseAction } from '../../api/types';
import { LazyDropdown } from '../../common/LazyDropdown';
import { blockerText } from '../../common/ruleText';
import { BAR_ACTIONS, onlyStateBlocked, useReleaseActions } from './releaseActions';
import { Text } from '../../common/Text';

const ICONS: Record<ReleaseAction, React.ReactNode> = {
  accept: <CheckCircleOutlined />,
  reject: <CloseOutlined />,
  classify: <TagOutlined />,
  edit_plan: <EditOutlined />,
  submit_plan: <SendOutlined />,
  approve_plan: <CheckOutlined />,
  reject_plan: <CloseOutlined />,
  revise_plan: <FormOutlined />,
  complete_plan: <FormOutlined />,
  approve_completion: <CheckOutlined />,
  review_emergency: <AuditOutlined />,
  record_check: <SafetyCertificateOutlined />,
  start_implementation: <PlayCircleOutlined />,
  record_step: <StepForwardOutlined />,
  complete_implementation: <CarryOutOutlined />,
  record_monitoring: <LineChartOutlined />,
  raise_trigger: <AlertOutlined />,
  decide_rollback: <RollbackOutlined />,
  decide_continue: <FlagOutlined />,
  record_rollback_step: <StepForwardOutlined />,
  verify_restoration: <SafetyCertificateOutlined />,
  complete_rollback: <CheckCircleOutlined />,
  fail_rollback: <CloseCircleOutlined />,
  record_verification: <AuditOutlined />,
  sign_acceptance: <SignatureOutlined />,
  complete_cmdb_update: <DatabaseOutlined />,
  archive: <InboxOutlined />,
  close_successful: <CheckCircleOutlined />,
  close_failed: <CloseCircleOutlined />,
  close_rolled_back: <RollbackOutlined />,
  cancel: <StopOutlined />,
};

const PRIMARY: readonly ReleaseAction[] = [
  'accept',
  'submit_plan',
  'approve_plan',
  'start_implementation',
  'complete_implementation',
  'complete_rollback',
];
const DANGER: readonly ReleaseAction[] = [
  'reject',
  'reject_plan',
  'cancel',
  'decide_rollback',
  'fail_rollback',
];

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
 * with the reasons and rules in a tooltip, when not. `onRun` and `children` serve actions taken
 * on one object (a check, a step, a trigger) with their own dialog and words.
 */
export function ActionButton({
  action,
  onRun,
  children,
  ...props
}: { action: ReleaseAction; onRun?: () => void } & Omit<ButtonProps, 'onClick'>) {
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
      onClick={() => (onRun ? onRun() : run(action))}
      data-testid={`action-${action}`}
      style={a.allowed ? undefined : { pointerEvents: 'none' }}
      {...props}
    >
      {children ?? t(`releases.actions.${action}`)}
    </Button>
  );
  if (a.allowed) return button;
  // A disabled button fires no mouse events: the wrapper carries the tooltip.
  return (
    <Tooltip title={<BlockerList availability={a} />} styles={{ root: { maxWidth: 420 } }}>
      <span
        style={{ display: props.block ? 'block' : 'inline-block', cursor: 'not-allowed' }}
        data-testid={`action-wrap-${action}`}
      >
        {button}
      </span>
    </Tooltip>
  );
}

/**
 * The actions of the release: those open now or blocked by a rule as buttons, and those that
 * belong to another step of the lifecycle in a menu, each with why not now.
 */
export function ReleaseActionBar({ except = [] }: { except?: readonly ReleaseAction[] }) {
  const { t } = useTranslation();
  const { release, availability } = useReleaseActions();
  const all = BAR_ACTIONS.filter((a) => !except.includes(a)).map(availability);
  const shown = all.filter((a) => !onlyStateBlocked(a));
  // A closed release has nothing ahead of it: no menu of steps it will never take.
  const later = release.state === 'closed' ? [] : all.filter(onlyStateBlocked);
  return (
    <Flex gap={8} wrap data-testid="release-actions">
      {shown.map((a) => (
        <ActionButton key={a.action} action={a.action} />
      ))}
      {later.length > 0 && (
        <LazyDropdown
          menu={{
            items: later.map((a) => ({
              key: a.action,
              disabled: true,
              label: (
                <Flex vertical style={{ maxWidth: 360 }}>
                  <span>{t(`releases.actions.${a.action}`)}</span>
                  {a.blockers.map((b, i) => (
                    <Text key={i} type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>
                      {blockerText(t, b, release.changes)}
                    </Text>
                  ))}
                </Flex>
              ),
            })),
          }}
        >
          <Button data-testid="release-more-actions">
            {t('releases.moreActions')} <DownOutlined />
          </Button>
        </LazyDropdown>
      )}
    </Flex>
  );
}
