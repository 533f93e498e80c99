import '../../i18n/zh.cmdb';
import { Link } from 'react-router';
import { Flex, Table, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import type { SortOrder } from 'antd/es/table/interface';
import { useTranslation } from 'react-i18next';
import type { Ci } from '../../api/types';
import { formatMinute } from '../../common/format';
import { CiStatusTag, CriticalTag, EnvironmentTag } from './CiTags';
import { useCiTypes } from './useCiTypes';
import type { CiSort } from './cmdb.api';

/**
 * The loaded CIs. Name and last change sort on the server (its keyset order, every CI, not only
 * the rows loaded); the other columns do not sort, since sorting the loaded rows would mislead.
 */
export function CiTable({
  cis,
  loading,
  sort,
  onSort,
}: {
  cis: Ci[];
  loading: boolean;
  sort: CiSort;
  onSort: (sort: CiSort) => void;
}) {
  const { t } = useTranslation();
  const types = useCiTypes();
  const orderOf = (column: 'name' | 'updatedAt'): SortOrder =>
    sort === column ? 'ascend' : sort === `-${column}` ? 'descend' : null;
  const onChange: TableProps<Ci>['onChange'] = (_pagination, _filters, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const column = s?.field === 'updatedAt' ? 'updatedAt' : 'name';
    onSort(!s?.order ? 'name' : s.order === 'descend' ? (`-${column}` as CiSort) : column);
  };
  const columns: TableColumnsType<Ci> = [
    {
      title: t('cmdb.fields.name'),
      dataIndex: 'name',
      sorter: true,
      sortOrder: orderOf('name'),
      render: (name: string, ci) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Link to={`/cmdb/cis/${ci.id}`} data-testid="ci-link">
            {name}
          </Link>
          {ci.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: ci.description }} style={{ fontSize: 12 }}>
              {ci.description}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('cmdb.fields.type'),
      dataIndex: 'type',
      width: 130,
      render: (type: string) => types.typeName(type),
    },
    {
      title: t('cmdb.fields.environment'),
      dataIndex: 'environment',
      width: 110,
      render: (environment: string) => <EnvironmentTag environment={environment} />,
    },
    {
      title: t('cmdb.fields.version'),
      dataIndex: 'version',
      width: 130,
      render: (version: string | null) => (version ? <span className="rg-mono">{version}</span> : '—'),
    },
    {
      title: t('cmdb.fields.owner'),
      dataIndex: 'owner',
      width: 140,
      render: (owner: string | null) => owner ?? '—',
    },
    {
      title: t('cmdb.fields.critical'),
      dataIndex: 'critical',
      width: 90,
      render: (critical: boolean) => (critical ? <CriticalTag critical /> : '—'),
    },
    {
      title: t('cmdb.fields.status'),
      dataIndex: 'status',
      width: 90,
      render: (status: string) => <CiStatusTag status={status} />,
    },
    {
      title: t('cmdb.fields.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      sorter: true,
      sortOrder: orderOf('updatedAt'),
      render: formatMinute,
    },
  ];
  return (
    <Table<Ci>
      rowKey="id"
      columns={columns}
      dataSource={cis}
      loading={loading}
      onChange={onChange}
      showSorterTooltip={false}
      pagination={false}
      scroll={{ x: 1100 }}
      locale={{ emptyText: t('cmdb.empty') }}
      data-testid="ci-table"
    />
  );
}
