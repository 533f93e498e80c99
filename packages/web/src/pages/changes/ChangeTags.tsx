import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ChangeRisk, ChangeState } from '../../api/types';

const STATE_COLORS: Record<ChangeState, string> = {
  draft: 'default',
  submitted: 'processing',
  cab_review: 'gold',
  approved: 'success',
  rejected: 'error',
  withdrawn: 'default',
  implemented: 'blue',
};

export function ChangeStateTag({ state, testId }: { state: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={STATE_COLORS[state as ChangeState] ?? 'default'}
      style={{ marginInlineEnd: 0 }}
      data-testid={testId}
    >
      {t(`changes.states.${state}`, { defaultValue: state })}
    </Tag>
  );
}

const RISK_COLORS: Record<ChangeRisk, string> = { low: 'green', medium: 'orange', high: 'red' };

export function ChangeRiskTag({ risk }: { risk: ChangeRisk | null }) {
  const { t } = useTranslation();
  if (!risk) return <>—</>;
  return (
    <Tag color={RISK_COLORS[risk]} style={{ marginInlineEnd: 0 }}>
      {t(`changes.risks.${risk}`)}
    </Tag>
  );
}

/** IN-1, TY-4: an emergency change, which the emergency CAB may approve. */
export function EmergencyChangeTag() {
  const { t } = useTranslation();
  return (
    <Tag color="red" style={{ marginInlineEnd: 0 }} data-testid="change-emergency-tag">
      {t('changes.emergencyTag')}
    </Tag>
  );
}
