import { useState } from 'react';
import { Button, Card, Divider, Flex, Tag, Tooltip, Typography } from 'antd';
import {
  FileExclamationOutlined,
  FilePdfOutlined,
  FileWordOutlined,
  FileZipOutlined,
  SafetyCertificateOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../../../api/client';
import { useErrorText } from '../../../common/errors';
import { downloadReport, type ReportFormat } from './postrelease.api';
import { useFeedback } from '../../../common/feedback';

type Download = ReportFormat | 'package';

/**
 * CL-2 《发布变更报告》 as DOCX and PDF (a draft before the close, the archived report after it),
 * and PO-3 证据包: the whole record as a ZIP with its SHA-256 manifest. Fetched rather than
 * linked, so a refusal shows here instead of replacing the page.
 */
export function ReportCard({
  releaseId,
  number,
  closed,
}: {
  releaseId: string;
  number: string;
  closed: boolean;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<Download | null>(null);
  const r = 'postrelease.report';

  const download = async (what: Download) => {
    setBusy(what);
    try {
      const { blob, filename } = await downloadReport(releaseId, what);
      const name = filename ?? (what === 'package' ? `evidence-${number}.zip` : `${number}.${what}`);
      saveBlob(blob, name);
      void message.success(t(`${r}.downloaded`, { filename: name }));
    } catch (error) {
      void message.error(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      size="small"
      title={t(`${r}.title`)}
      style={{ height: '100%' }}
      data-testid="report-card"
      extra={
        closed ? (
          <Tag color="success" icon={<SafetyCertificateOutlined />} data-testid="report-final">
            {t(`${r}.final`)}
          </Tag>
        ) : (
          <Tooltip title={t(`${r}.draftHelp`)}>
            <Tag color="warning" icon={<FileExclamationOutlined />} data-testid="report-draft">
              {t(`${r}.draft`)}
            </Tag>
          </Tooltip>
        )
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${r}.help`)}
        {!closed && ` ${t(`${r}.draftHelp`)}`}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Button
          icon={<FileWordOutlined style={{ color: '#2b579a' }} />}
          loading={busy === 'docx'}
          onClick={() => void download('docx')}
          data-testid="report-docx"
        >
          {t(`${r}.download`, { format: 'DOCX' })}
        </Button>
        <Button
          icon={<FilePdfOutlined style={{ color: '#d4380d' }} />}
          loading={busy === 'pdf'}
          onClick={() => void download('pdf')}
          data-testid="report-pdf"
        >
          {t(`${r}.download`, { format: 'PDF' })}
        </Button>
      </Flex>
      <Divider style={{ margin: '16px 0 12px' }} />
      <Flex gap={12} align="flex-start" justify="space-between" wrap>
        <div style={{ flex: '1 1 240px' }}>
          <Typography.Text strong>{t(`${r}.evidencePackage`)}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ margin: 0, fontSize: 12 }}>
            {t(`${r}.evidencePackageHelp`)}
          </Typography.Paragraph>
        </div>
        <Button
          icon={<FileZipOutlined />}
          loading={busy === 'package'}
          onClick={() => void download('package')}
          data-testid="evidence-package"
        >
          {t(`${r}.evidencePackage`)} ZIP
        </Button>
      </Flex>
    </Card>
  );
}
