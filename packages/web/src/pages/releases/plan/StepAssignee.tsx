import { Tag, Tooltip } from 'antd';
import { UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../../auth/AuthContext';
import { usePeople } from '../../../common/people';

/**
 * IM-2, RO-3: the account a plan step is assigned to, as a tag under its owner — "me" for the
 * signed-in person, whose 我的待办 shows the step when it is at hand.
 */
export function StepAssignee({ username }: { username?: string | null }) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const nameOf = usePeople();
  if (!username) return null;
  const mine = session?.user.username === username;
  return (
    <Tooltip title={t('plan.stepAssigneeHelp')}>
      <Tag icon={<UserOutlined />} color={mine ? 'blue' : undefined} data-testid="step-assignee">
        {mine ? t('plan.stepAssigneeMe') : nameOf(username)}
      </Tag>
    </Tooltip>
  );
}
