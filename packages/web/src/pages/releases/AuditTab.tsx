import { Link } from 'react-router';
import { Alert, Button, Flex, Typography } from 'antd';
import { AuditOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { auditQueryKey, fetchAuditPage } from '../audit/audit.api';
import { AuditTable } from '../audit/AuditTable';

/** 审计 (PR-3): the release's entries in the audit log, for those who may read it. */
export function AuditTab({ releaseId }: { releaseId: string }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const allowed = can('audit.read');
  const events = useQuery({
    queryKey: [...auditQueryKey, { entityId: releaseId }, 'release-tab'],
    queryFn: ({ signal }) => fetchAuditPage({ entityId: releaseId }, undefined, signal),
    enabled: allowed,
  });
  if (!allowed)
    return (
      <Alert
        type="info"
        showIcon
        title={t('releases.audit.noAccess', { id: releaseId })}
        data-testid="release-audit-no-access"
      />
    );
  return (
    <>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t('releases.audit.help')}</Typography.Text>
        <Link to={`/audit?entityId=${encodeURIComponent(releaseId)}`}>
          <Button icon={<AuditOutlined />} data-testid="release-audit-link">
            {t('releases.audit.open')}
          </Button>
        </Link>
      </Flex>
      <ErrorAlert error={events.error} style={{ marginBottom: 12 }} />
      <AuditTable events={events.data?.events ?? []} loading={events.isFetching} />
    </>
  );
}
