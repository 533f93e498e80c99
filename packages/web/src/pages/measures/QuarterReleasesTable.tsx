import '../../i18n/zh.measures';
import { useState } from 'react';
import { Link } from 'react-router';
import { Card, Flex, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType, TablePaginationConfig } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { CheckOutlined, MinusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { RELEASE_OUTCOMES, RELEASE_TYPES, type ReleaseOutcome, type ReleaseType } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { ReleaseTypeTag } from '../releases/ReleaseTags';
import { formatMinutes } from './KpiCards';
import {
  type RecordSort,
  type ReleaseRecordView,
  type ReleasesQuery,
  useQuarterReleases,
} from './measures.api';

const OUTCOME_COLORS: Record<ReleaseOutcome, string> = {
  successful: 'success',
  failed: 'error',
  rolled_back: 'warning',
  cancelled: 'default',
  rejected: 'default',
};

const SORTABLE: Partial<Record<string, RecordSort>> = {
  number: 'number',
  closedAt: 'closedAt',
  changeLeadMinutes: 'changeLeadMinutes',
};

/** KP-1 drill-down: the quarter's closed releases, filtered by outcome and type, sorted, paged by the server. */
export function QuarterReleasesTable({ quarter }: { quarter: string }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState<ReleasesQuery>({
    sort: 'closedAt',
    order: 'desc',
    limit: 10,
    offset: 0,
  });
  const releases = useQuarterReleases(quarter, query);

  const sortOrder = (key: RecordSort) =>
    query.sort === key ? (query.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null;

  const columns: TableColumnsType<ReleaseRecordView> = [
    {
      title: t('measures.columns.number'),
      dataIndex: 'number',
      key: 'number',
      width: 140,
      sorter: true,
      sortOrder: sortOrder('number'),
      render: (number: string, r) => (
        <Link to={`/releases/${r.releaseId}`} className="rg-mono">
          {number}
        </Link>
      ),
    },
    { title: t('measures.columns.title'), dataIndex: 'title', ellipsis: { showTitle: true } },
    {
      title: t('measures.columns.type'),
      dataIndex: 'type',
      width: 100,
      render: (type: ReleaseType | null) => <ReleaseTypeTag type={type} />,
    },
    {
      title: t('measures.columns.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (outcome: ReleaseOutcome) => (
        <Tag color={OUTCOME_COLORS[outcome]} style={{ marginInlineEnd: 0 }}>
          {t(`releases.outcomes.${outcome}`)}
        </Tag>
      ),
    },
    {
      title: t('measures.columns.counted'),
      dataIndex: 'countsInSuccessRate',
      width: 100,
      render: (counted: boolean) =>
        counted ? (
          <Typography.Text>
            <CheckOutlined style={{ color: '#389e0d' }} /> {t('measures.yes')}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">
            <MinusOutlined /> {t('measures.no')}
          </Typography.Text>
        ),
    },
    {
      title: t('measures.columns.implementationStartedAt'),
      dataIndex: 'implementationStartedAt',
      width: 140,
      render: (v: string | null) => formatMinute(v) || '—',
    },
    {
      title: t('measures.columns.closedAt'),
      dataIndex: 'closedAt',
      key: 'closedAt',
      width: 140,
      sorter: true,
      sortOrder: sortOrder('closedAt'),
      render: (v: string) => formatMinute(v),
    },
    {
      title: t('measures.columns.leadTime'),
      dataIndex: 'changeLeadMinutes',
      key: 'changeLeadMinutes',
      width: 120,
      align: 'right',
      sorter: true,
      sortOrder: sortOrder('changeLeadMinutes'),
      render: (v: number | null) => formatMinutes(t, v),
    },
    {
      title: t('measures.columns.cmdb'),
      dataIndex: 'cmdbOnTime',
      width: 90,
      render: (v: boolean | null) =>
        v === null ? (
          t('measures.cmdb.none')
        ) : (
          <Tag color={v ? 'success' : 'error'} style={{ marginInlineEnd: 0 }}>
            {v ? t('measures.cmdb.onTime') : t('measures.cmdb.late')}
          </Tag>
        ),
    },
  ];

  const onChange = (
    pagination: TablePaginationConfig,
    _filters: unknown,
    sorter: SorterResult<ReleaseRecordView> | SorterResult<ReleaseRecordView>[],
  ) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const sort = (s?.order && SORTABLE[String(s.columnKey)]) || 'closedAt';
    const order = s?.order === 'ascend' ? 'asc' : 'desc';
    const limit = pagination.pageSize ?? query.limit;
    const sortChanged = sort !== query.sort || order !== query.order;
    setQuery((q) => ({
      ...q,
      sort,
      order,
      limit,
      offset: sortChanged ? 0 : ((pagination.current ?? 1) - 1) * limit,
    }));
  };

  return (
    <Card
      title={t('measures.releasesTitle', { quarter })}
      extra={
        <Flex gap={8} wrap>
          <Select
            allowClear
            placeholder={t('measures.outcomeFilter')}
            style={{ width: 160 }}
            value={query.outcome}
            onChange={(outcome?: ReleaseOutcome) => setQuery((q) => ({ ...q, outcome, offset: 0 }))}
            options={RELEASE_OUTCOMES.map((o) => ({ value: o, label: t(`releases.outcomes.${o}`) }))}
            data-testid="measures-outcome-filter"
          />
          <Select
            allowClear
            placeholder={t('measures.typeFilter')}
            style={{ width: 160 }}
            value={query.type}
            onChange={(type?: ReleaseType) => setQuery((q) => ({ ...q, type, offset: 0 }))}
            options={RELEASE_TYPES.map((ty) => ({ value: ty, label: t(`releases.types.${ty}`) }))}
          />
        </Flex>
      }
    >
      <ErrorAlert error={releases.error} style={{ marginBottom: 12 }} />
      <Table<ReleaseRecordView>
        rowKey="releaseId"
        size="middle"
        columns={columns}
        dataSource={releases.data?.items ?? []}
        loading={releases.isFetching}
        onChange={onChange}
        locale={{ emptyText: t('measures.emptyReleases') }}
        scroll={{ x: 1080 }}
        pagination={{
          current: Math.floor(query.offset / query.limit) + 1,
          pageSize: query.limit,
          total: releases.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => t('measures.total', { total }),
        }}
        data-testid="measures-releases"
      />
    </Card>
  );
}
