import { Suspense, useState } from 'react';
import { Avatar, Flex } from 'antd';
import { Text } from '../common/Text';
import { DownOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { lazyNamed } from '../common/lazyNamed';

const UserDropdown = lazyNamed(() => import('./UserDropdown'), 'UserDropdown');

/**
 * The signed-in user's name, with 修改密码 and 退出登录; `compact`: the avatar only (a phone), the
 * name on hover. The menu (antd's Dropdown and Menu) is fetched on the first click (issue #18).
 */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const [wanted, setWanted] = useState(false);
  const trigger = (
    <Flex
      align="center"
      gap={8}
      role="button"
      tabIndex={0}
      aria-label={t('header.userMenu')}
      data-testid="user-menu"
      title={compact ? session.user.displayName : undefined}
      style={{ cursor: 'pointer', paddingInline: compact ? 0 : 8 }}
      onClick={() => setWanted(true)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') setWanted(true);
      }}
    >
      <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f5fd1' }} />
      {!compact && (
        <Text style={{ maxWidth: 160 }} ellipsis>
          {session.user.displayName}
        </Text>
      )}
      <DownOutlined style={{ fontSize: 10, color: '#8c8c8c' }} />
    </Flex>
  );
  if (!wanted) return trigger;
  return (
    <Suspense fallback={trigger}>
      <UserDropdown>{trigger}</UserDropdown>
    </Suspense>
  );
}
