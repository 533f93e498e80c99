import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Form, Input } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { login, sessionQueryKey, useSessionQuery } from '../../auth/session';
import { PASSWORD_PAGE } from '../../auth/RequireAuth';
import { PublicLayout } from '../../layout/PublicLayout';
import { loginErrorText } from './loginError';

interface LoginForm {
  username: string;
  password: string;
}

/** Only same-site paths are followed after sign-in. */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const [form] = Form.useForm<LoginForm>();
  const [failure, setFailure] = useState<unknown>(null);
  const next = safeNext(params.get('next'));

  const signIn = useMutation({
    mutationFn: login,
    onMutate: () => setFailure(null),
    onSuccess: (view) => {
      queryClient.clear();
      queryClient.setQueryData(sessionQueryKey, view);
      void navigate(view.passwordExpired ? PASSWORD_PAGE : next, { replace: true });
    },
    onError: (error) => {
      setFailure(error);
      form.setFieldValue('password', '');
    },
  });

  if (session.isSuccess && !signIn.isPending && !signIn.isSuccess) return <Navigate to={next} replace />;

  return (
    <PublicLayout title={t('login.title')} subtitle={t('login.subtitle')}>
      {params.get('reason') === 'session' && !failure && (
        <Alert type="info" showIcon title={t('login.sessionEnded')} style={{ marginBottom: 16 }} />
      )}
      {failure !== null && (
        <Alert
          type="error"
          showIcon
          title={loginErrorText(t, failure)}
          style={{ marginBottom: 16 }}
          data-testid="login-error"
          role="alert"
        />
      )}
      <Form<LoginForm>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(values) => signIn.mutate(values)}
        autoComplete="on"
      >
        <Form.Item
          name="username"
          label={t('login.username')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus size="large" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('common.required') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
        </Form.Item>
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={signIn.isPending}
          data-testid="login-submit"
        >
          {t('login.submit')}
        </Button>
      </Form>
    </PublicLayout>
  );
}
