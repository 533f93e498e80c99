import '../../i18n/zh.account';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Form, Input } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { sessionQueryKey } from '../../auth/session';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { PasswordFields } from '../../common/PasswordFields';
import { completeSetup } from './setup.api';
import { useFormGuard } from '../../common/useUnsavedChangesGuard';
import { useFeedback } from '../../common/feedback';

interface SetupFormValues {
  username: string;
  displayName: string;
  email?: string;
  password: string;
  confirm: string;
}

/** The first account: user name, display name, e-mail and a password typed twice. */
export function SetupForm({ token }: { token: string }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message } = useFeedback();
  const [form] = Form.useForm<SetupFormValues>();
  const guard = useFormGuard();
  const [failure, setFailure] = useState<unknown>(null);

  const setup = useMutation({
    mutationFn: completeSetup,
    onMutate: () => setFailure(null),
    onSuccess: (view) => {
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, view);
      void message.success(t('setup.done'));
      guard.saved();
      void navigate('/', { replace: true });
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });

  const submit = (v: SetupFormValues) =>
    setup.mutate({
      token,
      username: v.username.trim(),
      displayName: v.displayName.trim(),
      email: v.email?.trim() || null,
      password: v.password,
    });

  return (
    <>
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<SetupFormValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        autoComplete="off"
        onValuesChange={guard.touched}
      >
        <Form.Item
          name="username"
          label={t('setup.username')}
          extra={t('setup.usernameHelp')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="displayName"
          label={t('setup.displayName')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('setup.email')}
          rules={[{ type: 'email', message: t('common.invalidEmail') }]}
        >
          <Input type="email" autoComplete="email" />
        </Form.Item>
        <PasswordFields passwordLabel={t('setup.password')} />
        <Button type="primary" htmlType="submit" block size="large" loading={setup.isPending}>
          {t('setup.submit')}
        </Button>
      </Form>
    </>
  );
}
