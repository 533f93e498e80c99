import '../../i18n/zh.account';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { FullPageSpin } from '../../common/FullPageSpin';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PublicLayout } from '../../layout/PublicLayout';
import { useSetupStatus } from './setup.api';
import { SetupForm } from './SetupForm';

/** /setup?token=…: the one-time link that creates an account (the first one on a fresh install). */
export function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const status = useSetupStatus(token);

  if (status.isPending) return <FullPageSpin />;
  if (status.isError) {
    return (
      <PublicLayout title={t('setup.title')}>
        <ErrorAlert error={status.error} />
      </PublicLayout>
    );
  }
  if (!token || !status.data.tokenValid) {
    return (
      <PublicLayout width={520}>
        <Result
          status="warning"
          title={t('setup.invalidTitle')}
          subTitle={t('setup.invalidBody')}
          extra={
            <Button type="primary" onClick={() => void navigate('/login')}>
              {t('setup.toLogin')}
            </Button>
          }
          data-testid="setup-invalid"
        />
      </PublicLayout>
    );
  }
  const role = t(`roles.${status.data.role ?? 'security_administrator'}`, {
    defaultValue: status.data.role ?? '',
  });
  return (
    <PublicLayout
      title={t('setup.title')}
      subtitle={t(status.data.firstRun ? 'setup.intro' : 'setup.introRole', { role })}
      width={460}
    >
      <SetupForm token={token} />
    </PublicLayout>
  );
}
