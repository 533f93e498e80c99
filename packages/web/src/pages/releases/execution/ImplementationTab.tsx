import { Alert, Button, Card, Flex, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { ActionButton } from '../ActionButton';
import { useReleaseActions } from '../releaseActions';
import { useProgress } from './execution.api';
import { ActionBlockers } from './ActionBlockers';
import { ProgressHeader } from './ProgressHeader';
import { StepTable } from './StepTable';

/**
 * 实施: start through the gate (PR-1), the progress everyone watching sees live (IM-3), and the
 * plan's steps run in order with executor, times, result and output (IM-2).
 */
export function ImplementationTab({ release }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const { run } = useReleaseActions();
  const progress = useProgress(release.id);
  if (progress.isPending) return <Spin />;
  if (progress.error) return <ErrorAlert error={progress.error} />;
  const p = progress.data;
  const state = release.state;

  return (
    <div data-testid="implementation-tab">
      {state === 'approved' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('execution.checks.help')}
          action={
            <Button size="small" onClick={() => run('record_check')}>
              {t('releases.tabs.verification')}
            </Button>
          }
        />
      )}
      {state === 'ready' && (
        <Card size="small" style={{ marginBottom: 16 }} data-testid="implementation-start">
          <Flex justify="space-between" align="center" gap={16} wrap>
            <Flex vertical gap={4} style={{ flex: '1 1 420px' }}>
              <Typography.Text strong>{t('execution.impl.readyHint')}</Typography.Text>
              <Typography.Text type="secondary">{t('execution.impl.startHelp')}</Typography.Text>
            </Flex>
            <ActionButton action="start_implementation" size="large" />
          </Flex>
          <ActionBlockers action="start_implementation" style={{ marginTop: 16, marginBottom: 0 }} />
        </Card>
      )}
      <ProgressHeader
        title={t('execution.impl.progressTitle')}
        view={p.implementation}
        progress={p}
        testId="implementation-progress"
        extra={state === 'implementing' ? <ActionButton action="complete_implementation" /> : undefined}
      />
      {state === 'implementing' && <ActionBlockers action="record_step" />}
      <Card size="small" title={t('execution.impl.stepsTitle')}>
        <StepTable release={release} phase="implementation" view={p.implementation} testId="impl-steps" />
        {state === 'implementing' && (
          <Typography.Paragraph type="secondary" style={{ margin: '12px 0 0', fontSize: 12 }}>
            {t('execution.impl.completeHint')}
          </Typography.Paragraph>
        )}
      </Card>
    </div>
  );
}
