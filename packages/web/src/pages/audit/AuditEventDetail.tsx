import '../../i18n/zh.audit';
import { Col, Collapse, Descriptions, Row, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../../api/types';
import { JsonBlock } from '../../common/JsonBlock';
import { RoleTags } from '../../common/RoleTags';
import { entityTypeLabel } from './auditText';
import { fieldChanges, type FieldChangeRow } from './auditDiff';

/** One event in full: the before/after picture, the details and its place in the hash chain. */
export function AuditEventDetail({ event }: { event: AuditEvent }) {
  const { t } = useTranslation();
  const changes = fieldChanges(event.before, event.after);
  const mono = (text: string | null) =>
    text ? (
      <Typography.Text className="rg-mono" copyable>
        {text}
      </Typography.Text>
    ) : (
      '—'
    );
  return (
    <div data-testid={`audit-detail-${event.seq}`} style={{ padding: '4px 8px' }}>
      <Descriptions
        size="small"
        column={{ xs: 1, lg: 2 }}
        items={[
          { key: 'id', label: 'ID', children: mono(event.id) },
          { key: 'requestId', label: t('audit.requestId'), children: mono(event.requestId) },
          { key: 'actorId', label: t('audit.actorId'), children: mono(event.actorId) },
          { key: 'roles', label: t('audit.actorRoles'), children: <RoleTags roles={event.actorRoles} /> },
          {
            key: 'entity',
            label: t('audit.entity'),
            children: event.entityType ? (
              <span>
                {entityTypeLabel(t, event.entityType)} {mono(event.entityId)}
              </span>
            ) : (
              '—'
            ),
          },
          { key: 'sourceIp', label: t('audit.sourceIp'), children: event.sourceIp ?? '—' },
          {
            key: 'hash',
            label: `${t('audit.hash')} (${event.hashAlg})`,
            children: mono(event.hash),
            span: { xs: 1, lg: 2 },
          },
          {
            key: 'prevHash',
            label: t('audit.prevHash'),
            children: mono(event.prevHash),
            span: { xs: 1, lg: 2 },
          },
        ]}
      />
      {changes && changes.length > 0 && (
        <Table<FieldChangeRow>
          size="small"
          rowKey="field"
          pagination={false}
          style={{ marginTop: 12 }}
          data-testid={`audit-changes-${event.seq}`}
          dataSource={changes}
          columns={[
            {
              title: t('audit.field'),
              dataIndex: 'field',
              width: '24%',
              render: (f: string) => <code>{f}</code>,
            },
            {
              title: t('audit.before'),
              dataIndex: 'before',
              render: (v: string) => <span className="rg-diff-before">{v}</span>,
            },
            {
              title: t('audit.after'),
              dataIndex: 'after',
              render: (v: string) => <span className="rg-diff-after">{v}</span>,
            },
          ]}
        />
      )}
      {/* The record exactly as chained: what the hash covers, for the auditor to check. */}
      <Collapse
        ghost
        size="small"
        style={{ marginTop: 8 }}
        defaultActiveKey={changes && changes.length > 0 ? [] : ['raw']}
        items={[
          {
            key: 'raw',
            label: t('audit.raw'),
            children: (
              <Row gutter={16}>
                {(['before', 'after', 'details'] as const).map((part) => (
                  <Col key={part} xs={24} lg={8}>
                    <Typography.Text strong>{t(`audit.${part}`)}</Typography.Text>
                    <div style={{ marginTop: 6 }}>
                      <JsonBlock value={event[part]} />
                    </div>
                  </Col>
                ))}
              </Row>
            ),
          },
        ]}
      />
    </div>
  );
}
