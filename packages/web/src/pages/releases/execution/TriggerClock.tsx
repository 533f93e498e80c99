import { Flex, Tag } from 'antd';
import { ClockCircleOutlined, ExclamationCircleFilled } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { formatDuration, formatTime } from '../../../common/format';
import type { Trigger } from './execution.api';
import { clockText, when } from './executionText';
import { usePeople } from '../../../common/people';
import { Text } from '../../../common/Text';

/** Less than this left to decide: the countdown turns red. */
const URGENT_MS = 10 * 60_000;

/**
 * RB-2: the decision clock of one trigger. Undecided: a countdown to its deadline (red in the
 * last ten minutes, 已超时 after it). Decided: the decision, by whom, when, and 迟决策 when late.
 */
export function TriggerClock({ trigger, now }: { trigger: Trigger; now: number }) {
  const { t } = useTranslation();
  const nameOf = usePeople();
  if (trigger.decision) {
    return (
      <Flex vertical gap={2} data-testid={`trigger-decision-${trigger.id}`}>
        <Flex gap={4} wrap>
          <Tag color={trigger.decision === 'rollback' ? 'error' : 'blue'} style={{ marginInlineEnd: 0 }}>
            {t(`execution.rollback.decisions.${trigger.decision}`)}
          </Tag>
          {trigger.late && (
            <Tag color="warning" icon={<ExclamationCircleFilled />} style={{ marginInlineEnd: 0 }}>
              {t('execution.rollback.late')}
            </Tag>
          )}
        </Flex>
        <Text type="secondary" style={{ fontSize: 12 }}>
          {t('execution.rollback.decidedAfter', {
            by: trigger.decidedBy ? nameOf(trigger.decidedBy) : '—',
            at: when(trigger.decidedAt),
            duration: formatDuration(
              t,
              trigger.decisionMinutes === null ? null : trigger.decisionMinutes * 60,
            ),
          })}
        </Text>
        {trigger.decisionReason && <Text style={{ fontSize: 12 }}>{trigger.decisionReason}</Text>}
      </Flex>
    );
  }
  const left = Date.parse(trigger.decisionDueAt) - now;
  const overdue = left <= 0 || trigger.overdue;
  return (
    <Flex vertical gap={2} data-testid={`trigger-countdown-${trigger.id}`}>
      {overdue ? (
        <Tag
          color="error"
          icon={<ExclamationCircleFilled />}
          style={{ marginInlineEnd: 0, width: 'fit-content' }}
        >
          {t('execution.rollback.overdue')}
        </Tag>
      ) : (
        <span
          className="rg-mono"
          data-urgent={left < URGENT_MS ? 'true' : undefined}
          style={{
            fontSize: 22,
            fontWeight: 600,
            lineHeight: 1.2,
            color: left < URGENT_MS ? '#cf1322' : '#d46b08',
          }}
        >
          <ClockCircleOutlined style={{ fontSize: 16, marginInlineEnd: 6 }} />
          {clockText(left)}
        </span>
      )}
      <Text type="secondary" style={{ fontSize: 12 }}>
        {t('execution.rollback.due', { time: formatTime(trigger.decisionDueAt) })}
      </Text>
    </Flex>
  );
}
