import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** Pretty-printed JSON, or a quiet "none" for empty values. */
export function JsonBlock({ value }: { value: unknown }) {
  const { t } = useTranslation();
  const empty =
    value === null || value === undefined || (typeof value === 'object' && Object.keys(value).length === 0);
  if (empty) return <Typography.Text type="secondary">{t('common.none')}</Typography.Text>;
  return <pre className="rg-json">{JSON.stringify(value, null, 2)}</pre>;
}
