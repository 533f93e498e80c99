import '../../i18n/zh.dsl';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DslState } from '../../api/types';

const COLORS: Record<DslState, string> = {
  draft: 'default',
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
  retired: 'warning',
};

export function DslStateTag({ state, testId }: { state: DslState; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={COLORS[state]} style={{ marginInlineEnd: 0 }} data-testid={testId}>
      {t(`dsl.states.${state}`)}
    </Tag>
  );
}
