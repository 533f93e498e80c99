import '../../i18n/zh.tokens';
import { useState } from 'react';
import { Button, Card, Input, Space, Typography } from 'antd';
import { CheckOutlined, CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { copyText } from '../../common/clipboard';
import { useCiClientInfo } from './tokens.api';
import { useFeedback } from '../../common/feedback';

/** The line a pipeline runs to fetch the client from this server and check its SHA-256. */
export function fetchLine(origin: string, path: string, file: string, sha256: string): string {
  return `curl -fsSLO ${origin}${path} && echo "${sha256}  ${file}" | sha256sum -c`;
}

/**
 * IM-7: the pipeline client this server serves (GET /downloads/releasegate-ci.mjs), with its
 * SHA-256 and the line to copy into a pipeline. Absent when the server has no client to serve.
 */
export function PipelineClientCard() {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const info = useCiClientInfo();
  const [copied, setCopied] = useState(false);
  if (!info.data) return null;
  const { file, path, sha256, size } = info.data;
  const line = fetchLine(window.location.origin, path, file, sha256);
  const copy = () => {
    copyText(line).then(
      () => setCopied(true),
      () => void message.error(t('tokens.copyFailed')),
    );
  };
  return (
    <Card
      title={t('tokens.ciClientTitle')}
      style={{ marginTop: 16 }}
      data-testid="ci-client"
      extra={
        <Button icon={<DownloadOutlined />} href={path} download={file}>
          {t('tokens.ciClientDownload')}
        </Button>
      }
    >
      <Typography.Paragraph>{t('tokens.ciClientIntro')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('tokens.ciClientSha256')}:{' '}
        <Typography.Text code copyable className="rg-mono" data-testid="ci-client-sha256">
          {sha256}
        </Typography.Text>{' '}
        <Typography.Text type="secondary">{t('tokens.ciClientSize', { size })}</Typography.Text>
      </Typography.Paragraph>
      <Typography.Paragraph style={{ marginBottom: 8 }}>{t('tokens.ciClientFetch')}</Typography.Paragraph>
      <Space.Compact block style={{ marginBottom: 12 }}>
        <Input
          readOnly
          value={line}
          className="rg-mono"
          data-testid="ci-client-fetch"
          onFocus={(e) => e.target.select()}
        />
        <Button icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      </Space.Compact>
      <Typography.Text type="secondary">{t('tokens.ciClientDocs')}</Typography.Text>
    </Card>
  );
}
