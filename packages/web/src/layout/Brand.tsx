import { Flex, Typography } from 'antd';
import { DeploymentUnitOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

/** 发布管理平台 ReleaseGate: the product mark, in light or dark surroundings. */
export function Brand({ dark = false, compact = false }: { dark?: boolean; compact?: boolean }) {
  const { t } = useTranslation();
  const color = dark ? '#ffffff' : '#0f1f3d';
  return (
    <Flex align="center" gap={10} style={{ minWidth: 0 }}>
      <DeploymentUnitOutlined style={{ fontSize: 24, color: dark ? '#7fb0ff' : '#1f5fd1' }} />
      {!compact && (
        <Flex vertical style={{ lineHeight: 1.2, minWidth: 0 }}>
          <Typography.Text strong style={{ color, fontSize: 16, whiteSpace: 'nowrap' }}>
            {t('app.name')}
          </Typography.Text>
          <Typography.Text style={{ color: dark ? 'rgba(255,255,255,0.55)' : '#8c8c8c', fontSize: 12, whiteSpace: 'nowrap' }}>
            {t('app.brand')}
          </Typography.Text>
        </Flex>
      )}
    </Flex>
  );
}
