import { Button, Popconfirm, Space } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { useErrorText } from '../../common/errors';
import { isLocked, resetSecondFactor, userAction, usersQueryKey } from './users.api';
import { directoryQueryKey, setBreakGlass } from './directory.api';
import { useFeedback } from '../../common/feedback';

/** who may be the break-glass administrator (the server has the last word). */
const mayBreakGlass = (user: User) =>
  user.source === 'local' &&
  !user.serviceAccount &&
  !user.disabled &&
  user.roles.some((r) => r === 'system_administrator' || r === 'security_administrator');

/** Edit, reset password, disable or enable, unlock, reset two-step verification: one row's actions. */
export function UserActions({
  user,
  onEdit,
  onResetPassword,
  onContact,
}: {
  user: User;
  onEdit: () => void;
  onResetPassword: () => void;
  /** the user's phone number and chat ids (robot @-mentions). */
  onContact: () => void;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'disable' | 'enable' | 'unlock') => userAction(user.id, action),
    onSuccess: (_saved, action) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      const key =
        action === 'disable' ? 'users.disabled' : action === 'enable' ? 'users.enabled' : 'users.unlocked';
      void message.success(t(key, { name: user.username }));
    },
    onError: (error) => void message.error(errorText(error)),
  });
  const resetTwoStep = useMutation({
    mutationFn: () => resetSecondFactor(user.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void message.success(t('users.twoStepReset', { name: user.username }));
    },
    onError: (error) => void message.error(errorText(error)),
  });

  const breakGlass = useMutation({
    mutationFn: (on: boolean) => setBreakGlass(user.id, on),
    onSuccess: (_saved, on) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void queryClient.invalidateQueries({ queryKey: directoryQueryKey });
      void message.success(
        t(on ? 'directory.breakGlassSet' : 'directory.breakGlassUnset', { name: user.username }),
      );
    },
    onError: (error) => void message.error(errorText(error)),
  });

  return (
    <Space size={0} wrap={false}>
      <Button type="link" size="small" onClick={onEdit}>
        {t('common.edit')}
      </Button>
      {!user.serviceAccount && (
        <Button type="link" size="small" onClick={onContact}>
          {t('contact.edit')}
        </Button>
      )}
      {user.source === 'local' && !user.serviceAccount && (
        <Button type="link" size="small" onClick={onResetPassword}>
          {t('users.resetPassword')}
        </Button>
      )}
      {user.breakGlass ? (
        <Button
          type="link"
          size="small"
          onClick={() => breakGlass.mutate(false)}
          loading={breakGlass.isPending}
        >
          {t('directory.unsetBreakGlass')}
        </Button>
      ) : (
        mayBreakGlass(user) && (
          <Popconfirm
            title={t('directory.setBreakGlassConfirm', { name: user.username })}
            okText={t('directory.setBreakGlass')}
            cancelText={t('common.cancel')}
            onConfirm={() => breakGlass.mutate(true)}
          >
            <Button type="link" size="small" loading={breakGlass.isPending}>
              {t('directory.setBreakGlass')}
            </Button>
          </Popconfirm>
        )
      )}
      {isLocked(user) && (
        <Button
          type="link"
          size="small"
          onClick={() => act.mutate('unlock')}
          loading={act.isPending && act.variables === 'unlock'}
        >
          {t('users.unlock')}
        </Button>
      )}
      {user.secondFactor && (
        <Popconfirm
          title={t('users.resetTwoStepConfirm', { name: user.username })}
          okText={t('users.resetTwoStep')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => resetTwoStep.mutate()}
        >
          <Button type="link" size="small" loading={resetTwoStep.isPending}>
            {t('users.resetTwoStep')}
          </Button>
        </Popconfirm>
      )}
      {user.disabled ? (
        <Button
          type="link"
          size="small"
          onClick={() => act.mutate('enable')}
          loading={act.isPending && act.variables === 'enable'}
        >
          {t('users.enable')}
        </Button>
      ) : (
        <Popconfirm
          title={t('users.disableConfirm', { name: user.username })}
          okText={t('users.disable')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => act.mutate('disable')}
        >
          <Button type="link" size="small" danger loading={act.isPending && act.variables === 'disable'}>
            {t('users.disable')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
