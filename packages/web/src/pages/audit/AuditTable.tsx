import '../../i18n/zh.audit';
import { Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api/types';
import { formatDateTime } from '../../common/format';
import { AuditEventDetail } from './AuditEventDetail';
import { auditActionLabel, entityTypeLabel } from './auditText';
import { PersonName } from '../../common/people';

const OUTCOME_COLORS: Record<string, string> = { success: 'success', denied: 'warning', failed: 'error' };

export function AuditTable({ events, loading }: { events: AuditEvent[]; loading: boolean }) {
  const { t } = useTranslation();
  const columns: TableColumnsType<AuditEvent> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    { title: t('audit.occurredAt'), dataIndex: 'occurredAt', render: formatDateTime, width: 170 },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 150,
      render: (_, e) =>
        e.actorName ? (
          <PersonName username={e.actorName} />
        ) : (
          <Typography.Text type="secondary">{t('audit.system')}</Typography.Text>
        ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (action: string) => {
        const label = auditActionLabel(t, action);
        return (
          <Flex vertical>
            <span>{label}</span>
            {/* The code under its label, unless the label already shows it. */}
            {!label.includes(action) && (
              <Typography.Text type="secondary" className="rg-mono">
                {action}
              </Typography.Text>
            )}
          </Flex>
        );
      },
    },
    {
      title: t('audit.entity'),
      key: 'entity',
      width: 220,
      ellipsis: true,
      render: (_, e) =>
        e.entityType ? (
          <span title={e.entityId ?? undefined}>
            {entityTypeLabel(t, e.entityType)}
            {e.entityId && (
              <Typography.Text type="secondary" className="rg-mono">
                {' '}
                {e.entityId.slice(0, 8)}
              </Typography.Text>
            )}
          </span>
        ) : (
          '—'
        ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (o: string) => (
        <Tag color={OUTCOME_COLORS[o] ?? 'default'}>{t(`audit.outcomes.${o}`, { defaultValue: o })}</Tag>
      ),
    },
    {
      title: t('audit.sourceIp'),
      dataIndex: 'sourceIp',
      width: 130,
      render: (ip: string | null) => ip ?? '—',
    },
  ];
  return (
    <Table<AuditEvent>
      rowKey="seq"
      columns={columns}
      dataSource={events}
      loading={loading}
      pagination={false}
      scroll={{ x: 1100 }}
      expandable={{ expandedRowRender: (event) => <AuditEventDetail event={event} /> }}
      locale={{ emptyText: t('audit.empty') }}
      data-testid="audit-table"
    />
  );
}
