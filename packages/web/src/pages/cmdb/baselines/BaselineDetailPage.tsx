import '../../../i18n/zh.cmdb';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { Breadcrumb, Button, Card, Descriptions, Flex, Select, Spin, Typography } from 'antd';
import { DiffOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { FullPageSpin } from '../../../common/FullPageSpin';
import { formatDateTime } from '../../../common/format';
import { useBaseline, useBaselineComparison, useBaselines } from '../cmdb.api';
import { BaselineDiffView, SnapshotTable } from './BaselineDiffView';
import { PersonName } from '../../../common/people';

/** One baseline: what it holds, and how it compares with now or with another baseline. */
export function BaselineDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const baseline = useBaseline(id);
  const all = useBaselines();
  const [choice, setChoice] = useState('now');
  const [against, setAgainst] = useState<string | null>(null);
  const diff = useBaselineComparison(id, against);

  if (baseline.isPending) return <FullPageSpin />;
  if (baseline.error) return <ErrorAlert error={baseline.error} />;
  const b = baseline.data;
  const others = (all.data ?? []).filter((o) => o.id !== b.id);
  const againstName =
    against === 'now' ? t('baselines.now') : (all.data?.find((o) => o.id === against)?.name ?? '');

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/cmdb/baselines">{t('nav.baselines')}</Link> }, { title: b.name }]}
      />
      <Typography.Title level={3} style={{ marginTop: 0 }} data-testid="baseline-title">
        {b.name}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 3 }}
          items={[
            { key: 'takenAt', label: t('baselines.takenAt'), children: formatDateTime(b.takenAt) },
            {
              key: 'takenBy',
              label: t('baselines.takenBy'),
              children: b.takenBy ? <PersonName username={b.takenBy} /> : '—',
            },
            { key: 'ciCount', label: t('baselines.ciCount'), children: b.ciCount },
            {
              key: 'description',
              label: t('baselines.description'),
              children: b.description ?? '—',
              span: { xs: 1, md: 3 },
            },
          ]}
        />
      </Card>
      <Card title={t('baselines.compareTitle')} style={{ marginBottom: 16 }}>
        <Flex gap={8} align="center" wrap style={{ marginBottom: 16 }}>
          <label htmlFor="baseline-against">{t('baselines.compareWith')}</label>
          <Select<string>
            id="baseline-against"
            value={choice}
            onChange={setChoice}
            style={{ width: 320 }}
            options={[
              { value: 'now', label: t('baselines.nowOption') },
              ...others.map((o) => ({ value: o.id, label: `${o.name} · ${formatDateTime(o.takenAt)}` })),
            ]}
            data-testid="baseline-against"
          />
          <Button
            type="primary"
            icon={<DiffOutlined />}
            loading={diff.isFetching}
            onClick={() => (against === choice ? void diff.refetch() : setAgainst(choice))}
            data-testid="baseline-compare"
          >
            {t('baselines.compare')}
          </Button>
        </Flex>
        <ErrorAlert error={diff.error} style={{ marginBottom: 16 }} />
        {against === null && <Typography.Text type="secondary">{t('baselines.compareHint')}</Typography.Text>}
        {diff.isPending && against !== null && <Spin />}
        {diff.data && (
          <>
            <Typography.Paragraph type="secondary">
              {t('baselines.comparing', { from: b.name, to: againstName })}
            </Typography.Paragraph>
            <BaselineDiffView diff={diff.data} />
          </>
        )}
      </Card>
      <Card title={t('baselines.items', { n: b.items.length })}>
        <SnapshotTable items={b.items} testId="baseline-items" />
      </Card>
    </>
  );
}
