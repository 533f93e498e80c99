import '../../i18n/zh.audit';
import { Button } from 'antd';
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { auditExportUrl, type AuditFilter } from './audit.api';

/** Export (CSV, JSON Lines) of the filtered log and the hash-chain check, as permissions allow. */
export function AuditToolbar({
  filter,
  verifying,
  onVerify,
}: {
  filter: AuditFilter;
  verifying: boolean;
  onVerify: () => void;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  return (
    <>
      {can('audit.export') && (
        <>
          <Button icon={<DownloadOutlined />} href={auditExportUrl(filter, 'csv')} download>
            {t('audit.exportCsv')}
          </Button>
          <Button icon={<DownloadOutlined />} href={auditExportUrl(filter, 'jsonl')} download>
            {t('audit.exportJsonl')}
          </Button>
        </>
      )}
      {can('audit.verify') && (
        <Button type="primary" icon={<SafetyCertificateOutlined />} loading={verifying} onClick={onVerify}>
          {t('audit.verify')}
        </Button>
      )}
    </>
  );
}
