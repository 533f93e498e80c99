import '../../i18n/zh.cmdb';
import { lazy, Suspense, useState } from 'react';
import { Link } from 'react-router';
import { Alert, Col, Flex, Row, Select, Spin, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { CriticalTag, EnvironmentTag } from './CiTags';
import { MAX_IMPACT_DEPTH, useCiImpact } from './cmdb.api';
import { depthColor, impactRows, type ImpactRow } from './impactModel';
import { useCiTypes } from './useCiTypes';

const ImpactGraph = lazy(() => import('./ImpactGraph'));
const GRAPH_LIMIT = 150;
/**
 * The table lists at most this many affected CIs, the nearest first: a server can affect most of
 * the CMDB (100,000 CIs, a 23 MB answer), which no one reads row by row. The figures count them all.
 */
const LIST_LIMIT = 2000;

/** CM-2: what a change to this CI affects, as a graph and as a list with the path to each. */
export function ImpactTab({ ciId }: { ciId: string }) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const [depth, setDepth] = useState(5);
  const impact = useCiImpact(ciId, depth, LIST_LIMIT);
  const report = impact.data;
  const rows = report ? impactRows(report) : [];
  const names = new Map(rows.map((r) => [r.id, r.name]));
  for (const s of report?.seeds ?? []) names.set(s.id, s.name);

  const columns: TableColumnsType<ImpactRow> = [
    {
      title: t('cmdb.impact.affectedCi'),
      dataIndex: 'name',
      render: (name: string, row) => (
        <Flex gap={6} align="center" wrap>
          <Link to={`/cmdb/cis/${row.id}`}>{name}</Link>
          <CriticalTag critical={row.critical} />
        </Flex>
      ),
    },
    {
      title: t('cmdb.fields.type'),
      dataIndex: 'type',
      width: 120,
      render: (type: string) => types.typeName(type),
    },
    {
      title: t('cmdb.fields.environment'),
      dataIndex: 'environment',
      width: 100,
      render: (environment: string) => <EnvironmentTag environment={environment} />,
    },
    {
      title: t('cmdb.impact.depth'),
      dataIndex: 'depth',
      width: 90,
      sorter: (a, b) => a.depth - b.depth,
      defaultSortOrder: 'ascend',
      render: (d: number) => (
        <Tag color={depthColor(d)} style={{ marginInlineEnd: 0 }}>
          {d}
        </Tag>
      ),
    },
    {
      title: t('cmdb.impact.viaTitle'),
      key: 'via',
      width: 200,
      render: (_, row) =>
        t(`cmdb.impact.via.${row.via.reverse ? 'outgoing' : 'incoming'}.${row.via.relation}`, {
          name: names.get(row.via.fromId) ?? '',
          defaultValue: row.via.relation,
        }),
    },
    {
      title: t('cmdb.impact.path'),
      key: 'path',
      render: (_, row) => <span data-testid="impact-path">{row.path.join(' → ')}</span>,
    },
  ];

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Text type="secondary">{t('cmdb.impact.help')}</Typography.Text>
        <Flex align="center" gap={8}>
          <label htmlFor="impact-depth">{t('cmdb.impact.depthLabel')}</label>
          <Select<number>
            id="impact-depth"
            value={depth}
            onChange={setDepth}
            options={Array.from({ length: MAX_IMPACT_DEPTH }, (_, i) => ({
              value: i + 1,
              label: t('cmdb.impact.levels', { n: i + 1 }),
            }))}
            style={{ width: 110 }}
            data-testid="impact-depth"
          />
        </Flex>
      </Flex>
      <ErrorAlert error={impact.error} />
      {report && (
        <>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Statistic title={t('cmdb.impact.affectedCount')} value={report.affectedCount} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('cmdb.impact.servicesCount')} value={report.services.length} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('cmdb.impact.criticalCount')}
                value={report.criticalCount}
                styles={{ content: report.criticalCount > 0 ? { color: '#cf1322' } : undefined }}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('cmdb.impact.maxDepth')} value={report.maxDepth} />
            </Col>
          </Row>
          {report.truncated && (
            <Alert type="warning" showIcon title={t('cmdb.impact.truncated', { depth: report.maxDepth })} />
          )}
          {report.affectedCount > report.affected.length ? (
            <Alert
              type="info"
              showIcon
              title={t('cmdb.impact.listLimited', {
                total: report.affectedCount.toLocaleString(),
                count: report.affected.length.toLocaleString(),
                graph: GRAPH_LIMIT,
              })}
              data-testid="impact-list-limited"
            />
          ) : (
            report.affected.length > GRAPH_LIMIT && (
              <Alert type="info" showIcon title={t('cmdb.impact.graphLimited', { count: GRAPH_LIMIT })} />
            )
          )}
          {report.affected.length === 0 ? (
            <Alert type="success" showIcon title={t('cmdb.impact.none')} />
          ) : (
            <Suspense fallback={<Spin style={{ display: 'block', padding: 48 }} />}>
              <ImpactGraph report={report} />
            </Suspense>
          )}
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('cmdb.impact.legend')}
          </Typography.Text>
        </>
      )}
      <Table<ImpactRow>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={rows}
        loading={impact.isFetching}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('cmdb.impact.none') }}
        data-testid="impact-table"
      />
    </Flex>
  );
}
