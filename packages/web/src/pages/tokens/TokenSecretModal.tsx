import { Alert, Button, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CreatedToken } from '../../api/types';

/** The secret of a new token, shown this once, with a copy button and a warning. */
export function TokenSecretModal({ token, onClose }: { token: CreatedToken; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Modal
      open
      title={t('tokens.secretTitle')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      width={620}
      footer={
        <Button type="primary" onClick={onClose}>
          {t('tokens.secretDone')}
        </Button>
      }
      data-testid="token-secret-modal"
    >
      <Alert type="warning" showIcon title={t('tokens.secretWarning')} style={{ marginBottom: 16 }} />
      <Typography.Text strong>{t('tokens.secretLabel', { name: token.name })}</Typography.Text>
      <Typography.Paragraph
        copyable={{ text: token.token, tooltips: [t('common.copy'), t('common.copied')] }}
        className="rg-json"
        style={{ marginTop: 8, marginBottom: 12 }}
        data-testid="token-secret"
      >
        {token.token}
      </Typography.Paragraph>
      <Typography.Text type="secondary">{t('tokens.secretUsage')}</Typography.Text>
    </Modal>
  );
}
