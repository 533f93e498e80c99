import { Suspense, useState } from 'react';
import { Card, Spin } from 'antd';
import { AlertOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../../api/types';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { lazyNamed } from '../../../common/lazyNamed';
import { ReasonModal } from '../../../common/ReasonModal';
import { usePhone } from '../../../common/usePhone';
import { ActionButton } from '../ActionButton';
import { releasesQueryKey } from '../releases.api';
import { useReleasePolicy } from '../useReleasePolicy';
import { ActionBlockers } from './ActionBlockers';
import { decideTrigger, type Trigger, useProgress, useRollback } from './execution.api';
import { TriggerList } from './TriggerList';
import { useNow } from './useNow';
import { useFeedback } from '../../../common/feedback';
import { Paragraph } from '../../../common/Text';

// Issue #18: what a rollback decision on a phone does not show is fetched when it is shown.
const TriggersTable = lazyNamed(() => import('./TriggersTable'), 'TriggersTable');
const RaiseTriggerModal = lazyNamed(() => import('./RaiseTriggerModal'), 'RaiseTriggerModal');
const RollbackProgress = lazyNamed(() => import('./RollbackProgress'), 'RollbackProgress');
const ProblemCard = lazyNamed(() => import('./ProblemCard'), 'ProblemCard');

const ROLLBACK_STATES: readonly string[] = ['rolling_back', 'rolled_back'];
const KIND_COLORS: Record<string, string> = {
  function_unusable: 'red',
  performance: 'orange',
  data: 'magenta',
  complaints: 'gold',
};

/**
 * 回退: rollback triggers with their decision clocks and decisions (RB-1, RB-2), the rollback
 * steps in order (RB-3), the restoration check against the baseline (RB-4) and the problem
 * record (RB-5).
 */
export function RollbackTab({ release }: { release: ReleaseDetail }) {
  const rollback = useRollback(release.id);
  const progress = useProgress(release.id);
  if (rollback.isPending || progress.isPending) return <Spin />;
  if (rollback.error || progress.error) return <ErrorAlert error={rollback.error ?? progress.error} />;
  const r = rollback.data;
  const p = progress.data;
  const rollingBack =
    ROLLBACK_STATES.includes(release.state) ||
    release.outcome === 'rolled_back' ||
    release.outcome === 'failed' ||
    p.rollback.progress.startedAt !== null;

  return (
    <div data-testid="rollback-tab">
      <TriggersCard release={release} triggers={r.triggers} serverNow={r.now} />
      {rollingBack && (
        <Suspense fallback={<Spin />}>
          <RollbackProgress release={release} progress={p} checks={r.restorationChecks} />
        </Suspense>
      )}
      {(rollingBack || r.problems.length > 0) && (
        <Suspense fallback={<Spin />}>
          <ProblemCard problems={r.problems} subject={`${release.number} ${release.title}`} />
        </Suspense>
      )}
    </div>
  );
}

function TriggersCard({
  release,
  triggers,
  serverNow,
}: {
  release: ReleaseDetail;
  triggers: Trigger[];
  serverNow: string;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const [raising, setRaising] = useState(false);
  const [deciding, setDeciding] = useState<{ trigger: Trigger; decision: 'rollback' | 'continue' } | null>(
    null,
  );
  const now = useNow(1000, serverNow);
  const narrow = usePhone();
  const minutes = useReleasePolicy(release).data?.document.rules.deadlines.rollbackDecisionMinutes;
  const sorted = [...triggers].sort(
    (a, b) => Number(!!a.decision) - Number(!!b.decision) || b.discoveredAt.localeCompare(a.discoveredAt),
  );

  const decide = async (trigger: Trigger, decision: 'rollback' | 'continue', reason: string) => {
    try {
      await decideTrigger(release.id, trigger.id, decision, reason || null);
      void message.success(
        decision === 'rollback'
          ? t('execution.rollback.decidedRollback')
          : t('execution.rollback.decidedContinue'),
      );
    } finally {
      void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
    }
  };

  return (
    <Card
      size="small"
      title={t('execution.rollback.triggersTitle')}
      extra={
        <ActionButton
          action="raise_trigger"
          size="small"
          danger
          icon={<AlertOutlined />}
          onRun={() => setRaising(true)}
          data-testid="trigger-raise"
        >
          {t('execution.rollback.raise')}
        </ActionButton>
      }
      style={{ marginBottom: 16 }}
      data-testid="triggers-card"
    >
      <Paragraph type="secondary" style={{ marginTop: 0 }}>
        {minutes
          ? t('execution.rollback.triggersHelp', { minutes })
          : t('execution.rollback.triggersHelpNoMinutes')}
      </Paragraph>
      {/* Why a waiting trigger cannot be decided by this user; nothing to say when none waits. */}
      {sorted.some((x) => !x.decision) && <ActionBlockers action="decide_rollback" roleToo />}
      {narrow ? (
        <TriggerList
          releaseId={release.id}
          triggers={sorted}
          now={now}
          kindColors={KIND_COLORS}
          onDecide={(trigger, decision) => setDeciding({ trigger, decision })}
        />
      ) : (
        <Suspense fallback={<Spin />}>
          <TriggersTable
            triggers={sorted}
            now={now}
            kindColors={KIND_COLORS}
            onDecide={(trigger, decision) => setDeciding({ trigger, decision })}
          />
        </Suspense>
      )}
      {raising && (
        <Suspense fallback={null}>
          <RaiseTriggerModal release={release} onClose={() => setRaising(false)} />
        </Suspense>
      )}
      {deciding && (
        <ReasonModal
          title={t(
            deciding.decision === 'rollback'
              ? 'execution.rollback.decideRollbackTitle'
              : 'execution.rollback.decideContinueTitle',
            { summary: deciding.trigger.summary },
          )}
          warning={t(
            deciding.decision === 'rollback'
              ? 'execution.rollback.decideRollbackWarning'
              : 'execution.rollback.decideContinueWarning',
          )}
          okText={t(`execution.rollback.decisions.${deciding.decision}`)}
          label={t('execution.rollback.reason')}
          danger={deciding.decision === 'rollback'}
          onClose={() => setDeciding(null)}
          onSubmit={(reason) => decide(deciding.trigger, deciding.decision, reason)}
          testId={`decide-${deciding.decision}-modal`}
        />
      )}
    </Card>
  );
}
