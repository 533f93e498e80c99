import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PlanStatus, ReleaseOutcome, ReleaseState, ReleaseType } from '../../api/types';

const STATE_COLORS: Record<ReleaseState, string> = {
  requested: 'default',
  planning: 'processing',
  plan_review: 'gold',
  approved: 'cyan',
  ready: 'blue',
  implementing: 'purple',
  rolling_back: 'volcano',
  rolled_back: 'orange',
  post_release: 'geekblue',
  closed: 'default',
};

const OUTCOME_COLORS: Record<ReleaseOutcome, string> = {
  successful: 'success',
  failed: 'error',
  rolled_back: 'warning',
  cancelled: 'default',
  rejected: 'error',
};

/** 待受理 … 已关闭; a closed release shows its outcome beside it (已关闭 · 已取消). */
export function ReleaseStateTag({
  state,
  outcome,
  testId,
}: {
  state: ReleaseState;
  outcome?: ReleaseOutcome | null;
  testId?: string;
}) {
  const { t } = useTranslation();
  return (
    <span data-testid={testId} style={{ display: 'inline-flex', gap: 4 }}>
      <Tag color={STATE_COLORS[state]} style={{ marginInlineEnd: 0 }}>
        {t(`releases.states.${state}`)}
      </Tag>
      {outcome && (
        <Tag color={OUTCOME_COLORS[outcome]} style={{ marginInlineEnd: 0 }}>
          {t(`releases.outcomes.${outcome}`)}
        </Tag>
      )}
    </span>
  );
}

const TYPE_COLORS: Record<ReleaseType, string> = { emergency: 'red', major: 'orange', normal: 'green' };

/** 紧急发布 / 重大发布 / 一般发布, or 未定级 with the proposal when not classified yet. */
export function ReleaseTypeTag({
  type,
  proposal,
  testId,
}: {
  type: ReleaseType | null;
  proposal?: ReleaseType;
  testId?: string;
}) {
  const { t } = useTranslation();
  if (!type)
    return (
      <Tooltip
        title={proposal ? t('releases.proposed', { type: t(`releases.types.${proposal}`) }) : undefined}
      >
        <Tag style={{ marginInlineEnd: 0, borderStyle: 'dashed' }} data-testid={testId}>
          {t('releases.unclassified')}
        </Tag>
      </Tooltip>
    );
  return (
    <Tag color={TYPE_COLORS[type]} style={{ marginInlineEnd: 0 }} data-testid={testId}>
      {t(`releases.types.${type}`)}
    </Tag>
  );
}

const PLAN_COLORS: Record<PlanStatus, string> = {
  draft: 'default',
  submitted: 'gold',
  approved: 'success',
  rejected: 'error',
  superseded: 'default',
};

export function PlanStatusTag({ status, testId }: { status: PlanStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={PLAN_COLORS[status]} style={{ marginInlineEnd: 0 }} data-testid={testId}>
      {t(`plan.statuses.${status}`, { defaultValue: status })}
    </Tag>
  );
}
