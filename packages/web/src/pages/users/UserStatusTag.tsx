import '../../i18n/zh.people';
import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatDateTime } from '../../common/format';
import { isLocked } from './users.api';

export function UserStatusTag({ user }: { user: User }) {
  const { t } = useTranslation();
  if (user.disabled) return <Tag color="default">{t('users.statusDisabled')}</Tag>;
  if (isLocked(user)) {
    return (
      <Tooltip title={t('users.lockedUntil', { time: formatDateTime(user.lockedUntil) })}>
        <Tag color="warning">{t('users.statusLocked')}</Tag>
      </Tooltip>
    );
  }
  return (
    <>
      <Tag color="success">{t('users.statusActive')}</Tag>
      {user.serviceAccount && <Tag color="blue">{t('users.serviceAccount')}</Tag>}
      {user.mustChangePassword && <Tag color="orange">{t('users.mustChangePassword')}</Tag>}
    </>
  );
}
