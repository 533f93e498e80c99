import { Card, Flex, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../common/format';
import { PersonName } from '../../../common/people';
import { DecisionButton } from './DecisionButton';
import { useMonitoring, type Trigger } from './execution.api';
import { triggerEvidenceText, triggerKindText } from './executionText';
import { LazyIndicatorChart } from './LazyIndicatorChart';
import { TriggerClock } from './TriggerClock';
import { Text, Clamped } from '../../../common/Text';

/**
 * RB-2 on a phone: the rollback triggers as cards instead of a table's columns — the countdown
 * first, the evidence, the two decisions side by side as large buttons a thumb can hit (both on the
 * first screen of a phone), then the indicator's curve for a trigger a reading raised.
 */
export function TriggerList({
  releaseId,
  triggers,
  now,
  kindColors,
  onDecide,
}: {
  releaseId: string;
  triggers: Trigger[];
  now: number;
  kindColors: Record<string, string>;
  onDecide: (trigger: Trigger, decision: 'rollback' | 'continue') => void;
}) {
  const { t } = useTranslation();
  const monitoring = useMonitoring(releaseId);
  const indicatorOf = (x: Trigger) => monitoring.data?.indicators.find((i) => i.key === x.indicator);
  if (triggers.length === 0)
    return (
      <Text type="secondary" data-testid="triggers-list">
        {t('execution.rollback.noTriggers')}
      </Text>
    );
  return (
    <Flex vertical gap={12} data-testid="triggers-list">
      {triggers.map((x) => {
        const indicator = x.indicator ? indicatorOf(x) : undefined;
        return (
          <Card
            key={x.id}
            size="small"
            data-testid={`trigger-row-${x.id}`}
            style={x.decision ? undefined : { background: '#fff7e6', borderColor: '#ffd591' }}
          >
            <Flex vertical gap={8}>
              <TriggerClock trigger={x} now={now} />
              <Flex align="center" gap={8} wrap>
                <Tag color={kindColors[x.kind]} style={{ marginInlineEnd: 0 }}>
                  {triggerKindText(t, x.kind)}
                </Tag>
                <Text type="secondary" style={{ fontSize: 12 }}>
                  {t(`execution.rollback.sources.${x.source}`)} · <PersonName username={x.raisedBy} /> ·{' '}
                  {formatDateTime(x.discoveredAt)}
                </Text>
              </Flex>
              <Text strong style={{ overflowWrap: 'anywhere' }}>
                {x.summary}
              </Text>
              {(x.evidence || x.evidenceReason) && (
                <Clamped
                  rows={3}
                  type="secondary"
                  style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}
                >
                  {t('execution.rollback.evidence')}
                  {t('common.colon')}
                  {triggerEvidenceText(t, x)}
                </Clamped>
              )}
              {!x.decision && (
                // Side by side: both on a phone's first screen, each still half its width to tap.
                <Flex gap={8}>
                  {(['rollback', 'continue'] as const).map((decision) => (
                    <DecisionButton
                      key={decision}
                      trigger={x}
                      decision={decision}
                      size="large"
                      block
                      onRun={() => onDecide(x, decision)}
                    />
                  ))}
                </Flex>
              )}
              {indicator && indicator.readings.length > 0 && (
                <div>
                  <Text type="secondary" style={{ fontSize: 12 }}>
                    {indicator.name}
                  </Text>
                  <LazyIndicatorChart indicator={indicator} height={160} />
                </div>
              )}
            </Flex>
          </Card>
        );
      })}
    </Flex>
  );
}
