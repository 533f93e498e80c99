import { Suspense } from 'react';
import { Flex, theme } from 'antd';
import { usePhone } from '../../common/usePhone';
import type { StepsProps } from 'antd';
import { lazyNamed } from '../../common/lazyNamed';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail, ReleaseState } from '../../api/types';
import { Text } from '../../common/Text';

const MAIN: ReleaseState[] = [
  'requested',
  'planning',
  'plan_review',
  'approved',
  'ready',
  'implementing',
  'post_release',
  'closed',
];
const ROLLBACK: ReleaseState[] = [
  'requested',
  'planning',
  'plan_review',
  'approved',
  'ready',
  'implementing',
  'rolling_back',
  'rolled_back',
  'closed',
];

// The eight columns of a desktop, fetched there only (issue #18): a phone shows two lines.
const StepsBar = lazyNamed(() => import('./ReleaseStepsBar'), 'ReleaseStepsBar');

/**
 * How many of the lifecycle's steps are done, as a row of short segments (antd's Progress with
 * `steps` looked so; drawn here, a phone's release page needs none of Progress's code).
 */
function StepsDone({
  done,
  total,
  failed,
  label,
}: {
  done: number;
  total: number;
  failed: boolean;
  label: string;
}) {
  const { token } = theme.useToken();
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      aria-valuetext={label}
      style={{ display: 'flex', gap: 2 }}
    >
      {Array.from({ length: total }, (_, i) => (
        <span
          key={i}
          style={{
            width: 24,
            height: 6,
            background: i >= done ? token.colorFillSecondary : failed ? token.colorError : token.colorPrimary,
          }}
        />
      ))}
    </div>
  );
}

/** The lifecycle of DESIGN.md as a bar: where the release stands, and how it ended. */
export function ReleaseSteps({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const narrow = usePhone();
  const { state, outcome } = release;
  // A release closed as failed from post-release never rolled back: only a decided rollback takes that path.
  const rolledBack =
    release.rollbackDecided ||
    state === 'rolling_back' ||
    state === 'rolled_back' ||
    outcome === 'rolled_back';
  // A rollback that failed never reached 已回退: it went from 回退中 straight to closed.
  const rollbackFailed = rolledBack && state === 'closed' && outcome === 'failed';
  const path: ReleaseState[] =
    outcome === 'rejected'
      ? ['requested', 'closed']
      : rollbackFailed
        ? ROLLBACK.filter((s) => s !== 'rolled_back')
        : rolledBack
          ? ROLLBACK
          : MAIN;
  const current = path.indexOf(state);
  // A cancelled release may have stopped at any step before implementation: only the end is marked.
  const cancelled = outcome === 'cancelled';
  const items: StepsProps['items'] = path.map((s, index) => {
    const isCurrent = index === current;
    let status: 'wait' | 'process' | 'finish' | 'error' =
      index < current ? 'finish' : isCurrent ? 'process' : 'wait';
    if (cancelled && !isCurrent) status = 'wait';
    if (s === 'closed' && isCurrent)
      status = outcome === 'successful' ? 'finish' : outcome === null ? 'process' : 'error';
    if (s === 'rolling_back' && index < current) status = 'error';
    return {
      title: t(`releases.states.${s}`),
      status,
      content: s === 'closed' && isCurrent && outcome ? t(`releases.outcomes.${outcome}`) : undefined,
    };
  });
  // A phone shows where the release stands and what comes next in two lines, not eight columns.
  if (narrow) {
    const next = path[current + 1];
    return (
      <Flex vertical gap={4} data-testid="release-steps">
        <Text>
          {t('releases.stepOf', { n: current + 1, total: path.length })}
          {t('common.colon')}
          <Text strong>{items[current]?.title}</Text>
          {next && (
            <Text type="secondary"> · {t('releases.nextStep', { name: t(`releases.states.${next}`) })}</Text>
          )}
        </Text>
        <StepsDone
          done={current + 1}
          total={path.length}
          failed={items[current]?.status === 'error'}
          label={t('releases.stepOf', { n: current + 1, total: path.length })}
        />
      </Flex>
    );
  }
  return (
    <Suspense fallback={<div style={{ height: 32 }} />}>
      <StepsBar current={current} items={items} />
    </Suspense>
  );
}
