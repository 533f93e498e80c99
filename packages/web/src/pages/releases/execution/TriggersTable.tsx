import { Flex, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../../common/format';
import { PersonName } from '../../../common/people';
import { DecisionButton } from './DecisionButton';
import type { Trigger } from './execution.api';
import { triggerEvidenceText, triggerKindText } from './executionText';
import { TriggerClock } from './TriggerClock';

/**
 * RB-2 on a desktop: the rollback triggers as a table, undecided ones highlighted with their
 * countdown and the two decisions (a module of its own, issue #18: a phone shows TriggerList and
 * needs no table code).
 */
export function TriggersTable({
  triggers,
  now,
  kindColors,
  onDecide,
}: {
  triggers: Trigger[];
  now: number;
  kindColors: Record<string, string>;
  onDecide: (trigger: Trigger, decision: 'rollback' | 'continue') => void;
}) {
  const { t } = useTranslation();
  return (
    <Table<Trigger>
      rowKey="id"
      size="middle"
      pagination={false}
      dataSource={triggers}
      locale={{ emptyText: t('execution.rollback.noTriggers') }}
      scroll={{ x: 'max-content' }}
      data-testid="triggers-table"
      onRow={(x) =>
        ({
          'data-testid': `trigger-row-${x.id}`,
          style: x.decision ? undefined : { background: '#fff7e6' },
        }) as React.HTMLAttributes<HTMLElement>
      }
      columns={[
        {
          key: 'kind',
          title: t('execution.rollback.kind'),
          width: 150,
          render: (_, x) => (
            <Flex vertical gap={2}>
              <Tag color={kindColors[x.kind]} style={{ marginInlineEnd: 0, width: 'fit-content' }}>
                {triggerKindText(t, x.kind)}
              </Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(`execution.rollback.sources.${x.source}`)} · <PersonName username={x.raisedBy} />
              </Typography.Text>
            </Flex>
          ),
        },
        {
          key: 'summary',
          title: t('execution.rollback.summary'),
          width: 320,
          render: (_, x) => (
            <Flex vertical gap={2}>
              <Typography.Text strong>{x.summary}</Typography.Text>
              {x.evidence && (
                <Typography.Paragraph
                  type="secondary"
                  style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}
                  ellipsis={{ rows: 2, expandable: true }}
                >
                  {t('execution.rollback.evidence')}
                  {t('common.colon')}
                  {triggerEvidenceText(t, x)}
                </Typography.Paragraph>
              )}
            </Flex>
          ),
        },
        {
          key: 'discovered',
          title: t('execution.rollback.discoveredAt'),
          width: 170,
          render: (_, x) => formatDateTime(x.discoveredAt),
        },
        {
          // Undecided: the countdown and the two decisions; decided: what, by whom, when.
          key: 'decide',
          title: t('execution.rollback.decision'),
          width: 280,
          render: (_, x) => (
            <Flex vertical gap={8}>
              <TriggerClock trigger={x} now={now} />
              {!x.decision && (
                <Flex gap={8} wrap>
                  <DecisionButton trigger={x} decision="rollback" onRun={() => onDecide(x, 'rollback')} />
                  <DecisionButton trigger={x} decision="continue" onRun={() => onDecide(x, 'continue')} />
                </Flex>
              )}
            </Flex>
          ),
        },
      ]}
    />
  );
}
