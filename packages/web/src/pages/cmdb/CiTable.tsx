import { Link } from 'react-router';
import { Flex, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Ci } from '../../api/types';
import { formatMinute } from '../../common/format';
import { CiStatusTag, CriticalTag, EnvironmentTag, environmentLabel } from './CiTags';
import { useCiTypes } from './useCiTypes';

/** The loaded CIs; columns sort the rows already loaded (the server pages by name). */
export function CiTable({ cis, loading }: { cis: Ci[]; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const types = useCiTypes();
  const collator = new Intl.Collator(i18n.language === 'en' ? 'en' : 'zh-CN', { numeric: true });
  const text = (s: string | null) => s ?? '';
  const columns: TableColumnsType<Ci> = [
    {
      title: t('cmdb.fields.name'),
      dataIndex: 'name',
      sorter: (a, b) => collator.compare(a.name, b.name),
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
      sorter: (a, b) => collator.compare(types.typeName(a.type), types.typeName(b.type)),
      render: (type: string) => types.typeName(type),
    },
    {
      title: t('cmdb.fields.environment'),
      dataIndex: 'environment',
      width: 110,
      sorter: (a, b) =>
        collator.compare(environmentLabel(t, a.environment), environmentLabel(t, b.environment)),
      render: (environment: string) => <EnvironmentTag environment={environment} />,
    },
    {
      title: t('cmdb.fields.version'),
      dataIndex: 'version',
      width: 130,
      sorter: (a, b) => collator.compare(text(a.version), text(b.version)),
      render: (version: string | null) => (version ? <span className="rg-mono">{version}</span> : '—'),
    },
    {
      title: t('cmdb.fields.owner'),
      dataIndex: 'owner',
      width: 140,
      sorter: (a, b) => collator.compare(text(a.owner), text(b.owner)),
      render: (owner: string | null) => owner ?? '—',
    },
    {
      title: t('cmdb.fields.critical'),
      dataIndex: 'critical',
      width: 90,
      sorter: (a, b) => Number(b.critical) - Number(a.critical),
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
      sorter: (a, b) => a.updatedAt.localeCompare(b.updatedAt),
      render: formatMinute,
    },
  ];
  return (
    <Table<Ci>
      rowKey="id"
      columns={columns}
      dataSource={cis}
      loading={loading}
      pagination={false}
      scroll={{ x: 1100 }}
      locale={{ emptyText: t('cmdb.empty') }}
      data-testid="ci-table"
    />
  );
}
