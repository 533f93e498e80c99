import '../../i18n/zh.people';
import { useState } from 'react';
import { Form, Input, Modal, Switch } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { MIN_PASSWORD_LENGTH } from '../../common/PasswordFields';
import { useRoleOptions } from '../../common/roles';
import { RoleSelect } from './RoleSelect';
import { createUser, updateUser, usersQueryKey } from './users.api';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface UserFormValues {
  username: string;
  displayName: string;
  email?: string;
  roles: Role[];
  password?: string;
  serviceAccount?: boolean;
}

/** Create a user, or edit one's name, e-mail and roles. The server has the last word on roles. */
export function UserFormModal({ user, onClose }: { user?: User; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const { administratorRoles } = useRoleOptions();
  const [form] = Form.useForm<UserFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);
  const roles = Form.useWatch('roles', form) ?? [];
  // RO-1: a directory account's roles come from its groups; the server refuses a change.
  const fromDirectory = !!user && user.source !== 'local';
  const serviceAccount = Form.useWatch('serviceAccount', form) === true;
  // RO-3: a system role is held alone — with no other system role and no business role.
  const separationBroken = roles.some((r) => administratorRoles.has(r)) && roles.length > 1;

  const save = useMutation({
    mutationFn: (v: UserFormValues) => {
      const email = v.email?.trim() || null;
      return user
        ? updateUser(user.id, { displayName: v.displayName.trim(), email, roles: v.roles })
        : createUser({
            username: v.username.trim(),
            displayName: v.displayName.trim(),
            email,
            roles: v.roles,
            ...(v.serviceAccount ? { serviceAccount: true } : { password: v.password }),
          });
    },
    onMutate: () => setFailure(null),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void message.success(t(user ? 'users.updated' : 'users.created', { name: saved.username }));
      guard.saved();
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  return (
    <Modal
      open
      title={user ? t('users.editTitle', { name: user.username }) : t('users.createTitle')}
      okText={user ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      width={600}
      mask={{ closable: false }}
      data-testid="user-form-modal"
    >
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<UserFormValues>
        form={form}
        layout="vertical"
        initialValues={
          user
            ? {
                username: user.username,
                displayName: user.displayName,
                email: user.email ?? '',
                roles: user.roles,
              }
            : { roles: [], serviceAccount: false }
        }
        onFinish={(v) => save.mutate(v)}
        onValuesChange={guard.touched}
        autoComplete="off"
      >
        <Form.Item
          name="username"
          label={t('users.username')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input disabled={Boolean(user)} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('users.displayName')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('users.email')}
          rules={[{ type: 'email', message: t('common.invalidEmail') }]}
        >
          <Input type="email" />
        </Form.Item>
        <Form.Item
          name="roles"
          label={t('users.roles')}
          rules={[{ required: true, type: 'array', min: 1, message: t('users.roleRequired') }]}
          validateStatus={separationBroken ? 'warning' : undefined}
          help={separationBroken ? t('users.adminRolesWarning') : undefined}
          extra={fromDirectory ? t('directory.rolesFromDirectory') : undefined}
        >
          <RoleSelect disabled={fromDirectory} />
        </Form.Item>
        {!user && (
          <Form.Item
            name="serviceAccount"
            label={t('users.serviceAccount')}
            extra={t('users.serviceAccountHelp')}
            valuePropName="checked"
          >
            <Switch data-testid="user-service-account" />
          </Form.Item>
        )}
        {!user && !serviceAccount && (
          <Form.Item
            name="password"
            label={t('users.initialPassword')}
            extra={
              <>
                {t('password.rule')}
                <br />
                {t('users.initialPasswordHelp')}
              </>
            }
            rules={[
              { required: true, message: t('common.required') },
              { min: MIN_PASSWORD_LENGTH, message: t('password.tooShort') },
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
