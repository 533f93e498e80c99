import '../../i18n/zh.account';
import { useState } from 'react';
import { Link } from 'react-router';
import { Alert, Button, Card, Form, Input, Result } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { changePassword, sessionQueryKey } from '../../auth/session';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { PasswordFields } from '../../common/PasswordFields';
import { showFieldErrors } from '../../common/forms';

interface PasswordForm {
  currentPassword: string;
  newPassword: string;
  confirm: string;
}

/** Change your own password; the server ends every other session. */
export function ChangePasswordPage() {
  const { t, i18n } = useTranslation();
  const { session } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<PasswordForm>();
  const [failure, setFailure] = useState<unknown>(null);

  const change = useMutation({
    mutationFn: changePassword,
    onMutate: () => setFailure(null),
    onSuccess: (view) => queryClient.setQueryData(sessionQueryKey, view),
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language, { password: 'newPassword' })) setFailure(error);
    },
  });

  if (change.isSuccess) {
    return (
      <Card>
        <Result
          status="success"
          title={t('account.done')}
          subTitle={t('account.doneDetail')}
          extra={
            <Link to="/">
              <Button type="primary">{t('common.backHome')}</Button>
            </Link>
          }
          data-testid="password-changed"
        />
      </Card>
    );
  }

  return (
    <>
      <PageHeader title={t('account.title')} subtitle={t('account.subtitle')} />
      <Card style={{ maxWidth: 560 }}>
        {session.passwordExpired && (
          <Alert
            type="warning"
            showIcon
            title={t(session.user.mustChangePassword ? 'account.setByAdministrator' : 'account.expired')}
            style={{ marginBottom: 16 }}
          />
        )}
        <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
        <Form<PasswordForm>
          form={form}
          layout="vertical"
          onFinish={(v) => change.mutate({ currentPassword: v.currentPassword, newPassword: v.newPassword })}
        >
          <Form.Item
            name="currentPassword"
            label={t('account.currentPassword')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <PasswordFields name="newPassword" passwordLabel={t('account.newPassword')} />
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {t('account.submit')}
          </Button>
        </Form>
      </Card>
    </>
  );
}
