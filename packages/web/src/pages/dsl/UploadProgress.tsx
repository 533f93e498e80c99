import '../../i18n/zh.dsl';
import { Progress, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { TransferProgress } from '../../api/client';
import { formatSize } from './dsl.api';

/** Bytes sent of the total; at 100 % the server is still hashing and storing. */
export function UploadProgress({ progress }: { progress: TransferProgress }) {
  const { t } = useTranslation();
  const total = progress.total ?? 0;
  const percent = total > 0 ? Math.min(100, Math.floor((progress.loaded / total) * 100)) : 0;
  return (
    <div data-testid="upload-progress">
      <Typography.Text type="secondary">
        {percent < 100
          ? t('dsl.uploading', { loaded: formatSize(progress.loaded), total: formatSize(total) })
          : t('dsl.hashing')}
      </Typography.Text>
      <Progress percent={percent} status="active" />
    </div>
  );
}
