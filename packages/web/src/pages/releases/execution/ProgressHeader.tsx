import type { ReactNode } from 'react';
import { Card, Col, Flex, Progress, Row, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDuration, formatMinute } from '../../../common/format';
import type { PhaseView, ProgressView } from './execution.api';
import { LiveIndicator } from './LiveIndicator';
import { useNow } from './useNow';

/** Whole seconds between two instants. */
const secondsBetween = (from: string, to: number) => Math.max(0, Math.round((to - Date.parse(from)) / 1000));

/**
 * IM-3: steps done and remaining, the step at hand, and elapsed against planned minutes (ticking
 * while the phase runs), with the live indicator: what everyone watching sees at once.
 */
export function ProgressHeader({
  title,
  view,
  progress,
  extra,
  testId,
}: {
  title: string;
  view: PhaseView;
  progress: ProgressView;
  extra?: ReactNode;
  testId: string;
}) {
  const { t } = useTranslation();
  const p = view.progress;
  const running = p.startedAt !== null && p.finishedAt === null;
  // Elapsed time is shown to the second, so it ticks every second while the phase runs.
  const now = useNow(running ? 1_000 : 60_000, progress.now);
  const elapsed = p.startedAt
    ? p.finishedAt
      ? Math.round(p.elapsedMinutes * 60)
      : secondsBetween(p.startedAt, now)
    : 0;
  const planned = p.plannedMinutes * 60;
  const over = planned > 0 && elapsed > planned ? elapsed - planned : 0;
  const percent = p.total ? Math.round((p.done / p.total) * 100) : 0;
  const status = p.failed > 0 ? 'exception' : p.total > 0 && p.done === p.total ? 'success' : 'active';
  const stepStatus = p.current?.status ?? 'pending';

  return (
    <Card
      size="small"
      title={title}
      extra={
        <Flex gap={12} align="center">
          <LiveIndicator />
          {extra}
        </Flex>
      }
      style={{ marginBottom: 16 }}
      data-testid={testId}
    >
      <Row gutter={[24, 12]} align="middle">
        <Col xs={24} md={10}>
          <Typography.Text type="secondary">{t('execution.impl.doneCount', p)}</Typography.Text>
          <Progress
            percent={percent}
            status={running || status !== 'active' ? status : 'normal'}
            strokeWidth={12}
            format={() => `${p.done}/${p.total}`}
            data-testid={`${testId}-bar`}
          />
          {p.failed > 0 && (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {t('execution.impl.failedCount', { count: p.failed })}
            </Typography.Text>
          )}
        </Col>
        <Col xs={24} md={7}>
          <Typography.Text type="secondary">{t('execution.impl.current')}</Typography.Text>
          <div data-testid={`${testId}-current`} style={{ marginTop: 4 }}>
            {p.current ? (
              <Flex gap={8} align="center" wrap>
                <Typography.Text strong style={{ fontSize: 16 }}>
                  {p.current.index + 1}. {p.current.title}
                </Typography.Text>
                <Tag
                  color={
                    stepStatus === 'running' ? 'processing' : stepStatus === 'failed' ? 'error' : 'default'
                  }
                >
                  {t(`execution.impl.statuses.${stepStatus}`)}
                </Tag>
              </Flex>
            ) : (
              <Typography.Text strong style={{ fontSize: 16, color: p.total ? '#389e0d' : undefined }}>
                {p.total ? t('execution.impl.allDone') : t('execution.impl.noSteps')}
              </Typography.Text>
            )}
          </div>
        </Col>
        <Col xs={24} md={7}>
          <Statistic
            title={t('execution.impl.elapsed')}
            value={p.startedAt ? formatDuration(t, elapsed) : '—'}
            suffix={
              p.startedAt ? (
                <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                  / {t('execution.impl.minutes', { minutes: p.plannedMinutes })}
                </Typography.Text>
              ) : undefined
            }
            styles={{ content: { fontSize: 20, color: over ? '#cf1322' : undefined } }}
            data-testid={`${testId}-elapsed`}
          />
          {over > 0 && (
            <Typography.Text type="danger" style={{ fontSize: 12 }}>
              {t('execution.impl.overrun', { duration: formatDuration(t, over) })}
            </Typography.Text>
          )}
          {!p.startedAt && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('execution.impl.notStarted')}
              {progress.window &&
                ` · ${t('execution.impl.window')} ${formatMinute(progress.window.start)} – ${formatMinute(progress.window.end)}`}
            </Typography.Text>
          )}
        </Col>
      </Row>
    </Card>
  );
}
