import { Avatar, Dropdown, Flex, Typography, App } from 'antd';
import {
  BellOutlined,
  MobileOutlined,
  DownOutlined,
  LockOutlined,
  LogoutOutlined,
  SafetyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { logout } from '../auth/session';
import { useErrorText } from '../common/errors';

/** The signed-in user's name, with 修改密码 and 退出登录; `compact`: the avatar only (a phone), the name on hover. */
export function UserMenu({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const { session } = useAuth();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const errorText = useErrorText();
  const signOut = useMutation({
    mutationFn: logout,
    onSettled: (answer) => {
      // signed in through single sign-on: the provider ends its session too, and sends back.
      if (answer?.endSessionUrl) {
        queryClient.clear();
        window.location.assign(answer.endSessionUrl);
        return;
      }
      // Leave first, then forget: on a data router the move is asynchronous, and a cache cleared
      // under the signed-in pages would make them ask for the session and redirect elsewhere.
      void Promise.resolve(navigate('/login', { replace: true })).then(() => queryClient.clear());
    },
    onSuccess: () => void message.success(t('header.loggedOut')),
    onError: (error) => void message.error(errorText(error)),
  });

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          {
            key: 'password',
            icon: <LockOutlined />,
            label: t('header.changePassword'),
            onClick: () => void navigate('/account/password'),
          },
          {
            key: 'two-step',
            icon: <SafetyOutlined />,
            label: t('header.twoStep'),
            onClick: () => void navigate('/account/two-step'),
          },
          {
            key: 'contact',
            icon: <MobileOutlined />,
            label: t('contact.nav'),
            onClick: () => void navigate('/account/contact'),
          },
          {
            key: 'notifications',
            icon: <BellOutlined />,
            label: t('notifications.preferences.nav'),
            onClick: () => void navigate('/account/notifications'),
          },
          { type: 'divider' },
          {
            key: 'logout',
            icon: <LogoutOutlined />,
            label: t('header.logout'),
            danger: true,
            onClick: () => signOut.mutate(),
          },
        ],
      }}
    >
      <Flex
        align="center"
        gap={8}
        role="button"
        tabIndex={0}
        aria-label={t('header.userMenu')}
        data-testid="user-menu"
        title={compact ? session.user.displayName : undefined}
        style={{ cursor: 'pointer', paddingInline: compact ? 0 : 8 }}
      >
        <Avatar size="small" icon={<UserOutlined />} style={{ background: '#1f5fd1' }} />
        {!compact && (
          <Typography.Text style={{ maxWidth: 160 }} ellipsis>
            {session.user.displayName}
          </Typography.Text>
        )}
        <DownOutlined style={{ fontSize: 10, color: '#8c8c8c' }} />
      </Flex>
    </Dropdown>
  );
}
