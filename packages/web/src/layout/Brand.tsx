import { Flex } from 'antd';
import { Text } from '../common/Text';
import { DeploymentUnitOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';

type BrandVariant = 'full' | 'wordmark' | 'mark';

/**
 * The product mark. full: icon, 发布管理平台 and ReleaseGate (sign-in pages); wordmark: icon and
 * ReleaseGate (menu); mark: the icon alone (collapsed menu).
 */
export function Brand({ dark = false, variant = 'full' }: { dark?: boolean; variant?: BrandVariant }) {
  const { t } = useTranslation();
  const color = dark ? '#ffffff' : '#0f1f3d';
  const secondary = dark ? 'rgba(255,255,255,0.6)' : '#8c8c8c';
  return (
    <Flex align="center" gap={10} style={{ minWidth: 0 }}>
      <DeploymentUnitOutlined style={{ fontSize: 24, color: dark ? '#7fb0ff' : '#1f5fd1' }} />
      {variant === 'wordmark' && (
        <Text strong style={{ color, fontSize: 17, letterSpacing: 0.3, whiteSpace: 'nowrap' }}>
          ReleaseGate
        </Text>
      )}
      {variant === 'full' && (
        <Flex vertical style={{ lineHeight: 1.25, minWidth: 0 }}>
          <Text strong style={{ color, fontSize: 16, whiteSpace: 'nowrap' }}>
            {t('app.name')}
          </Text>
          <Text style={{ color: secondary, fontSize: 12, whiteSpace: 'nowrap' }}>{t('app.brand')}</Text>
        </Flex>
      )}
    </Flex>
  );
}
