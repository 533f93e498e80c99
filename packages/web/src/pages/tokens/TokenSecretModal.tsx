import '../../i18n/zh.tokens';
import { useState } from 'react';
import { Alert, Button, Input, Modal, Space, Typography } from 'antd';
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CreatedToken } from '../../api/types';
import { copyText } from '../../common/clipboard';
import { useFeedback } from '../../common/feedback';

/** The secret of a new token, shown this once, with a copy button and a warning. */
export function TokenSecretModal({ token, onClose }: { token: CreatedToken; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    copyText(token.token).then(
      () => setCopied(true),
      () => void message.error(t('tokens.copyFailed')),
    );
  };
  return (
    <Modal
      open
      title={t('tokens.secretTitle')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={640}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('tokens.secretDone')}
        </Button>
      }
      data-testid="token-secret-modal"
    >
      <Alert type="warning" showIcon title={t('tokens.secretWarning')} style={{ marginBottom: 16 }} />
      <Typography.Paragraph strong style={{ marginBottom: 8 }}>
        {t('tokens.secretLabel', { name: token.name })}
      </Typography.Paragraph>
      <Space.Compact block style={{ marginBottom: 12 }}>
        <Input
          readOnly
          value={token.token}
          className="rg-mono"
          data-testid="token-secret"
          onFocus={(e) => e.target.select()}
        />
        <Button type="primary" icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </Button>
      </Space.Compact>
      <Typography.Text type="secondary">{t('tokens.secretUsage')}</Typography.Text>
    </Modal>
  );
}
