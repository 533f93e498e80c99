import { Suspense } from 'react';
import { Flex, Progress, Typography } from 'antd';
import { usePhone } from '../../common/usePhone';
import type { StepsProps } from 'antd';
import { lazyNamed } from '../../common/lazyNamed';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail, ReleaseState } from '../../api/types';

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
        <Typography.Text>
          {t('releases.stepOf', { n: current + 1, total: path.length })}
          {t('common.colon')}
          <Typography.Text strong>{items[current]?.title}</Typography.Text>
          {next && (
            <Typography.Text type="secondary">
              {' '}
              · {t('releases.nextStep', { name: t(`releases.states.${next}`) })}
            </Typography.Text>
          )}
        </Typography.Text>
        <Progress
          steps={path.length}
          percent={Math.round(((current + 1) / path.length) * 100)}
          showInfo={false}
          size={[24, 6]}
          status={items[current]?.status === 'error' ? 'exception' : undefined}
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
