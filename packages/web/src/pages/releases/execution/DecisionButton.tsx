import { useTranslation } from 'react-i18next';
import { ActionButton } from '../ActionButton';
import { useReleaseActions } from '../releaseActions';
import type { Trigger } from './execution.api';

/** 决定回退 / 继续实施: shown only when the server allows the decision to this user. */
export function DecisionButton({
  trigger,
  decision,
  onRun,
  size = 'small',
  block = false,
}: {
  trigger: Trigger;
  decision: 'rollback' | 'continue';
  onRun: () => void;
  size?: 'small' | 'large';
  block?: boolean;
}) {
  const { t } = useTranslation();
  const { availability } = useReleaseActions();
  const action = decision === 'rollback' ? 'decide_rollback' : 'decide_continue';
  if (!availability(action).allowed) return null;
  return (
    <ActionButton
      action={action}
      size={size}
      type={decision === 'rollback' ? 'primary' : 'default'}
      onRun={onRun}
      block={block}
      data-testid={`trigger-${decision}-${trigger.id}`}
    >
      {t(`execution.rollback.decisions.${decision}`)}
    </ActionButton>
  );
}
