import { Card, Form, Input, Select, Tag, Typography } from 'antd';
import { NumberInput } from '../../../common/NumberInput';
import { useTranslation } from 'react-i18next';
import type { IndicatorComparator, PlanContent, PlanIndicator } from '../../../api/types';
import { CellItem, FormListTable } from './FormListTable';
import { textLimit } from '../../../common/textLimit';
import { PhoneTable } from '../../../common/PhoneTable';

const COMPARATORS: readonly IndicatorComparator[] = ['gt', 'gte', 'lt', 'lte'];
const SIGNS: Record<IndicatorComparator, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

export const MONITORING_ANCHOR = 'plan-section-monitoring';

/**
 * 监控指标 (IM-4, IM-5), an optional part of the plan: the key indicators with the threshold
 * beyond which a reading raises a rollback trigger, and the patterns that flag log lines.
 * Inside the plan editor's form; the server's field messages appear next to the fields.
 */
export function MonitoringSection({ index }: { index: number }) {
  const { t } = useTranslation();
  const m = 'plan.monitoring';
  return (
    <Card
      id={MONITORING_ANCHOR}
      size="small"
      title={`${index}. ${t(`${m}.title`)}`}
      extra={<Tag style={{ marginInlineEnd: 0 }}>{t(`${m}.optional`)}</Tag>}
      style={{ marginBottom: 16, scrollMarginTop: 80 }}
      data-testid={MONITORING_ANCHOR}
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t(`${m}.help`)}
      </Typography.Paragraph>
      <Typography.Text strong>{t(`${m}.indicators`)}</Typography.Text>
      <div style={{ margin: '8px 0 16px' }}>
        <FormListTable
          name={['monitoring', 'indicators']}
          addText={t(`${m}.addIndicator`)}
          newRow={() => ({ key: '', name: '', query: '', comparator: 'gt', threshold: undefined, unit: '' })}
          testId="plan-indicators"
          columns={[
            {
              key: 'key',
              title: t(`${m}.key`),
              width: 150,
              render: (f, i) => (
                <CellItem field={f} name="key">
                  <Input
                    aria-label={`${t(`${m}.key`)} ${i + 1}`}
                    count={textLimit(50)}
                    placeholder="error_ratio"
                    title={t(`${m}.keyHelp`)}
                    className="rg-mono"
                  />
                </CellItem>
              ),
            },
            {
              key: 'name',
              title: t(`${m}.name`),
              width: 180,
              render: (f, i) => (
                <CellItem field={f} name="name">
                  <Input aria-label={`${t(`${m}.name`)} ${i + 1}`} count={textLimit(200)} />
                </CellItem>
              ),
            },
            {
              key: 'comparator',
              title: t(`${m}.comparator`),
              width: 130,
              render: (f, i) => (
                <CellItem field={f} name="comparator">
                  <Select
                    aria-label={`${t(`${m}.comparator`)} ${i + 1}`}
                    options={COMPARATORS.map((c) => ({
                      value: c,
                      label: `${SIGNS[c]} ${t(`${m}.comparators.${c}`)}`,
                    }))}
                  />
                </CellItem>
              ),
            },
            {
              key: 'threshold',
              title: t(`${m}.threshold`),
              width: 120,
              render: (f, i) => (
                <CellItem field={f} name="threshold">
                  <NumberInput aria-label={`${t(`${m}.threshold`)} ${i + 1}`} style={{ width: '100%' }} />
                </CellItem>
              ),
            },
            {
              key: 'unit',
              title: t(`${m}.unit`),
              width: 90,
              render: (f, i) => (
                <CellItem field={f} name="unit">
                  <Input aria-label={`${t(`${m}.unit`)} ${i + 1}`} count={textLimit(30)} />
                </CellItem>
              ),
            },
            {
              key: 'query',
              title: t(`${m}.query`),
              width: 260,
              render: (f, i) => (
                <CellItem field={f} name="query">
                  <Input
                    aria-label={`${t(`${m}.query`)} ${i + 1}`}
                    count={textLimit(2000)}
                    className="rg-mono"
                    placeholder="sum(rate(http_errors_total[5m]))"
                  />
                </CellItem>
              ),
            },
          ]}
        />
      </div>
      <Form.Item
        name={['monitoring', 'errorPatterns']}
        label={<Typography.Text strong>{t(`${m}.errorPatterns`)}</Typography.Text>}
        extra={t(`${m}.errorPatternsHelp`)}
        style={{ marginBottom: 0 }}
      >
        <Select
          mode="tags"
          open={false}
          suffixIcon={null}
          tokenSeparators={['\n']}
          placeholder={t(`${m}.errorPatternsPlaceholder`)}
          aria-label={t(`${m}.errorPatterns`)}
          data-testid="plan-error-patterns"
        />
      </Form.Item>
    </Card>
  );
}

/** The monitoring section of a plan version, read-only (PlanView). */
export function MonitoringView({
  monitoring,
  index,
}: {
  monitoring: PlanContent['monitoring'];
  index: number;
}) {
  const { t } = useTranslation();
  return (
    <Card
      size="small"
      title={`${index}. ${t('plan.monitoring.title')}`}
      extra={<Tag style={{ marginInlineEnd: 0 }}>{t('plan.monitoring.optional')}</Tag>}
      style={{ marginBottom: 16 }}
      data-testid="plan-view-monitoring"
    >
      <MonitoringBody monitoring={monitoring} />
    </Card>
  );
}

/** What the monitoring section says: the indicators and the error patterns. */
export function MonitoringBody({ monitoring }: { monitoring: PlanContent['monitoring'] }) {
  const { t } = useTranslation();
  const m = 'plan.monitoring';
  const indicators = monitoring?.indicators ?? [];
  const patterns = monitoring?.errorPatterns ?? [];
  return (
    <>
      <Typography.Text strong>{t(`${m}.indicators`)}</Typography.Text>
      <PhoneTable<PlanIndicator>
        rowKey="key"
        size="small"
        pagination={false}
        style={{ margin: '8px 0 16px' }}
        dataSource={indicators}
        locale={{ emptyText: t(`${m}.none`) }}
        columns={[
          {
            key: 'key',
            title: t(`${m}.key`),
            render: (_, i) => <span className="rg-mono">{i.key}</span>,
          },
          { key: 'name', title: t(`${m}.name`), dataIndex: 'name' },
          {
            key: 'threshold',
            title: t(`${m}.threshold`),
            render: (_, i) => `${SIGNS[i.comparator]} ${i.threshold}${i.unit ? ` ${i.unit}` : ''}`,
          },
          {
            key: 'query',
            title: t(`${m}.query`),
            render: (_, i) => (i.query ? <span className="rg-mono">{i.query}</span> : '—'),
          },
        ]}
      />
      <Typography.Text strong>{t(`${m}.errorPatterns`)}</Typography.Text>
      <div style={{ marginTop: 8 }}>
        {patterns.length === 0 ? (
          <Typography.Text type="secondary">{t('plan.notFilled')}</Typography.Text>
        ) : (
          patterns.map((p) => (
            <Tag key={p} className="rg-mono">
              {p}
            </Tag>
          ))
        )}
      </div>
    </>
  );
}
