import { useState } from 'react';
import { Button, Dropdown } from 'antd';
import { DownOutlined, ExportOutlined, FilePdfOutlined, FileWordOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { apiDownload, saveBlob } from '../../../api/client';
import { useErrorText } from '../../../common/errors';
import { useFeedback } from '../../../common/feedback';

type Format = 'docx' | 'pdf';

/** PL-4: 导出 the shown plan version as the document 《发布计划》, DOCX or PDF (the server audits it). */
export function PlanExportButton({
  releaseId,
  number,
  version,
}: {
  releaseId: string;
  number: string;
  version: number;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<Format | null>(null);

  const exportAs = async (format: Format) => {
    setBusy(format);
    try {
      // Fetched rather than linked, so a refusal shows here instead of replacing the page.
      const { blob, filename } = await apiDownload('/api/releases/{id}/plans/{version}/document', {
        params: { path: { id: releaseId, version }, query: { format } },
      });
      const name = filename ?? `${number}-v${version}.${format}`;
      saveBlob(blob, name);
      void message.success(t('plan.exported', { filename: name }));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'docx', icon: <FileWordOutlined />, label: t('plan.exportDocx') },
          { key: 'pdf', icon: <FilePdfOutlined />, label: t('plan.exportPdf') },
        ],
        onClick: ({ key }) => void exportAs(key as Format),
      }}
    >
      <Button icon={<ExportOutlined />} loading={busy !== null} data-testid="plan-export">
        {t('plan.export')} <DownOutlined />
      </Button>
    </Dropdown>
  );
}
