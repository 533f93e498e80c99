import '../../i18n/zh.account';
import { useState } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { Alert, Button, Divider, Form, Input, Skeleton, Typography } from 'antd';
import { LockOutlined, LoginOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { login, sessionQueryKey, useSessionQuery, useSignInMethods } from '../../auth/session';
import { PASSWORD_PAGE } from '../../auth/RequireAuth';
import { PublicLayout } from '../../layout/PublicLayout';
import { safeNext } from './safeNext';
import { loginErrorText, ssoErrorText } from './loginError';
import { SecondFactorStep } from './SecondFactorStep';
import { isSecondFactorPending } from '../../auth/secondFactor';
import type { SessionView } from '../../api/types';
import { TWO_STEP_PAGE } from '../../auth/RequireAuth';

interface LoginForm {
  username: string;
  password: string;
}

export function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const session = useSessionQuery();
  const [form] = Form.useForm<LoginForm>();
  const [failure, setFailure] = useState<unknown>(null);
  // the password (or the single sign-on, `?step=second-factor`) was right and the sign-in
  // waits for the second factor.
  const fromSso = params.get('step') === 'second-factor';
  const [secondStep, setSecondStep] = useState(fromSso);
  const [signedIn, setSignedIn] = useState(false);
  // with a directory in use, the password form is the break-glass administrator's, behind a link.
  const [breakGlass, setBreakGlass] = useState(false);
  const methods = useSignInMethods();
  const next = safeNext(params.get('next'));
  const ssoError = params.get('error');

  const enter = (view: SessionView) => {
    setSignedIn(true);
    queryClient.clear();
    queryClient.setQueryData(sessionQueryKey, view);
    void navigate(view.passwordExpired ? PASSWORD_PAGE : view.mustEnrolSecondFactor ? TWO_STEP_PAGE : next, {
      replace: true,
    });
  };

  const signIn = useMutation({
    mutationFn: login,
    onMutate: () => setFailure(null),
    onSuccess: (view) => {
      if (isSecondFactorPending(view)) {
        setSecondStep(true);
        return;
      }
      enter(view);
    },
    onError: (error) => {
      setFailure(error);
      form.setFieldValue('password', '');
    },
  });

  if (session.isSuccess && !signIn.isPending && !signIn.isSuccess && !signedIn)
    return <Navigate to={next} replace />;

  if (secondStep)
    return (
      <PublicLayout
        title={t('login.secondStepTitle')}
        subtitle={t(fromSso ? 'login.secondStepSubtitleSso' : 'login.secondStepSubtitle')}
      >
        <SecondFactorStep
          onSignedIn={enter}
          onExpired={(error) => {
            setSecondStep(false);
            setFailure(error);
            form.setFieldValue('password', '');
          }}
        />
      </PublicLayout>
    );

  const passwordForm = (primary: boolean) => (
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
        <Input
          prefix={<UserOutlined />}
          autoComplete="username"
          autoFocus={primary || breakGlass}
          size="large"
        />
      </Form.Item>
      <Form.Item
        name="password"
        label={t('login.password')}
        rules={[{ required: true, message: t('common.required') }]}
      >
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" size="large" />
      </Form.Item>
      <Button
        type={primary ? 'primary' : 'default'}
        htmlType="submit"
        block
        size="large"
        loading={signIn.isPending}
        data-testid="login-submit"
      >
        {t('login.submit')}
      </Button>
    </Form>
  );

  const oidc = methods.data?.oidc ?? null;
  // The password form is for everyone, unless a directory is in use and it is only the
  // break-glass administrator's (an LDAP directory's users sign in through it too).
  const passwordForEveryone = !methods.data || methods.data.password === 'all' || methods.data.ldap;
  const showPassword = passwordForEveryone || breakGlass;
  const ssoHref = `/api/auth/oidc/start?next=${encodeURIComponent(next)}`;

  return (
    <PublicLayout title={t('login.title')} subtitle={oidc ? t('login.ssoHint') : t('login.subtitle')}>
      {params.get('reason') === 'session' && !failure && !ssoError && (
        <Alert type="info" showIcon title={t('login.sessionEnded')} style={{ marginBottom: 16 }} />
      )}
      {ssoError && !failure && (
        <Alert
          type="error"
          showIcon
          title={ssoErrorText(t, ssoError, params.get('groups'))}
          style={{ marginBottom: 16 }}
          data-testid="sso-error"
          role="alert"
        />
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
      {methods.isPending ? (
        <Skeleton active title={false} paragraph={{ rows: 3 }} />
      ) : (
        <>
          {oidc && (
            <Button
              type="primary"
              size="large"
              block
              icon={<LoginOutlined />}
              href={ssoHref}
              data-testid="sso-login"
            >
              {t('login.sso', { label: oidc.label })}
            </Button>
          )}
          {oidc && showPassword && <Divider plain>{t('login.or')}</Divider>}
          {!passwordForEveryone && breakGlass && (
            <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
              <SafetyCertificateOutlined /> {t('login.breakGlassIntro')}
            </Typography.Paragraph>
          )}
          {showPassword ? (
            passwordForm(oidc === null)
          ) : (
            <Button
              type="link"
              size="small"
              block
              style={{ marginTop: 16 }}
              onClick={() => setBreakGlass(true)}
              data-testid="break-glass-link"
            >
              {t('login.breakGlass')}
            </Button>
          )}
          {!passwordForEveryone && breakGlass && oidc && (
            <Button
              type="link"
              size="small"
              block
              style={{ marginTop: 8 }}
              onClick={() => {
                setBreakGlass(false);
                setFailure(null);
              }}
            >
              {t('login.backToSso')}
            </Button>
          )}
        </>
      )}
    </PublicLayout>
  );
}
