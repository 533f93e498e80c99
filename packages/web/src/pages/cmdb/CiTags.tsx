import '../../i18n/zh.cmdb';
import { Tag, Tooltip } from 'antd';
import { FireFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';

export const environmentLabel = (t: TFunction, environment: string): string =>
  t(`cmdb.environments.${environment}`, { defaultValue: environment });

export const relationLabel = (t: TFunction, relation: string): string =>
  t(`cmdb.relationTypes.${relation}`, { defaultValue: relation });

const ENVIRONMENT_COLORS: Record<string, string> = {
  production: 'red',
  disaster_recovery: 'volcano',
  staging: 'orange',
  test: 'cyan',
  development: 'geekblue',
};

export function EnvironmentTag({ environment }: { environment: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={ENVIRONMENT_COLORS[environment] ?? 'default'} style={{ marginInlineEnd: 0 }}>
      {environmentLabel(t, environment)}
    </Tag>
  );
}

/** 核心: a CI whose failure the business feels at once (CM-1 criticality). */
export function CriticalTag({ critical }: { critical: boolean }) {
  const { t } = useTranslation();
  if (!critical) return null;
  return (
    <Tooltip title={t('cmdb.criticalHelp')}>
      <Tag color="error" icon={<FireFilled />} style={{ marginInlineEnd: 0 }} data-testid="critical-tag">
        {t('cmdb.critical')}
      </Tag>
    </Tooltip>
  );
}

export function CiStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={status === 'active' ? 'success' : 'default'} style={{ marginInlineEnd: 0 }}>
      {t(`cmdb.statuses.${status}`, { defaultValue: status })}
    </Tag>
  );
}
