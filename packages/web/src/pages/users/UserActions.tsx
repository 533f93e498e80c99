import '../../i18n/zh.people';
import { Button, Space, type MenuProps } from 'antd';
import { DownOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { useErrorText } from '../../common/errors';
import { isLocked, resetSecondFactor, userAction, usersQueryKey } from './users.api';
import { directoryQueryKey, setBreakGlass } from './directory.api';
import { useFeedback } from '../../common/feedback';
import { LazyDropdown } from '../../common/LazyDropdown';

type MenuItem = NonNullable<MenuProps['items']>[number];

/** who may be the break-glass administrator (the server has the last word). */
const mayBreakGlass = (user: User) =>
  user.source === 'local' &&
  !user.serviceAccount &&
  !user.disabled &&
  user.roles.some((r) => r === 'system_administrator' || r === 'security_administrator');

/**
 * One row's actions: edit, unlock, and a menu of the rest (phone number and IM accounts, reset
 * password, break-glass, reset two-step verification, disable or enable).
 */
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
  const { message, modal } = useFeedback();
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

  const confirmThen = (title: string, okText: string, onOk: () => void, danger = false) =>
    modal.confirm({
      title,
      okText,
      cancelText: t('common.cancel'),
      okButtonProps: danger ? { danger: true } : undefined,
      onOk,
    });
  const name = { name: user.username };
  // Edit (and unlock, when the account is locked: the call that cannot wait) stay in the row; the
  // rest is one menu, so the column keeps its width whatever a user allows (up to seven actions).
  const more = (
    [
      !user.serviceAccount && { key: 'contact', label: t('contact.edit'), onClick: onContact },
      user.source === 'local' &&
        !user.serviceAccount && {
          key: 'password',
          label: t('users.resetPassword'),
          onClick: onResetPassword,
        },
      user.breakGlass
        ? {
            key: 'breakGlass',
            label: t('directory.unsetBreakGlass'),
            onClick: () => breakGlass.mutate(false),
          }
        : mayBreakGlass(user) && {
            key: 'breakGlass',
            label: t('directory.setBreakGlass'),
            onClick: () =>
              confirmThen(t('directory.setBreakGlassConfirm', name), t('directory.setBreakGlass'), () =>
                breakGlass.mutate(true),
              ),
          },
      user.secondFactor && {
        key: 'twoStep',
        label: t('users.resetTwoStep'),
        onClick: () =>
          confirmThen(
            t('users.resetTwoStepConfirm', name),
            t('users.resetTwoStep'),
            () => resetTwoStep.mutate(),
            true,
          ),
      },
      user.disabled
        ? { key: 'enable', label: t('users.enable'), onClick: () => act.mutate('enable') }
        : {
            key: 'disable',
            label: t('users.disable'),
            danger: true,
            onClick: () =>
              confirmThen(
                t('users.disableConfirm', name),
                t('users.disable'),
                () => act.mutate('disable'),
                true,
              ),
          },
    ] as (MenuItem | false)[]
  ).filter((item): item is MenuItem => item !== false);

  return (
    <Space size={0} wrap={false} data-testid={`user-actions-${user.username}`}>
      <Button type="link" size="small" onClick={onEdit}>
        {t('common.edit')}
      </Button>
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
      <LazyDropdown menu={{ items: more }}>
        <Button
          type="link"
          size="small"
          loading={
            resetTwoStep.isPending || breakGlass.isPending || (act.isPending && act.variables !== 'unlock')
          }
        >
          {t('users.more')} <DownOutlined />
        </Button>
      </LazyDropdown>
    </Space>
  );
}
