import { useState, type ReactElement } from 'react';
import { Dropdown } from 'antd';
import {
  BellOutlined,
  MobileOutlined,
  LockOutlined,
  LogoutOutlined,
  SafetyOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { logout } from '../auth/session';
import { useErrorText } from '../common/errors';
import { useFeedback } from '../common/feedback';

/**
 * The user menu's items (修改密码, 两步验证, contact, notification settings, 退出登录) around its
 * trigger: fetched on the first click of the trigger (issue #18), so it opens at once.
 */
export function UserDropdown({ children }: { children: ReactElement }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(true);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = useFeedback();
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
      open={open}
      onOpenChange={setOpen}
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
      {children}
    </Dropdown>
  );
}
