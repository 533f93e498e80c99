import { Link, useNavigate } from 'react-router';
import { Button, Card, Flex, Input, Select, Switch, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  RELEASE_STATES,
  RELEASE_TYPES,
  type Release,
  type ReleaseState,
  type ReleaseType,
} from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { PageHeader } from '../../common/PageHeader';
import { ReleaseStateTag, ReleaseTypeTag } from './ReleaseTags';
import { useReleases } from './releases.api';
import { useCursorPages } from '../../common/useCursorPages';
import type { QueryOf } from '../../api/routes';
import { PersonName } from '../../common/people';

type ReleaseSort = NonNullable<QueryOf<'/api/releases'>['sort']>;
/** The columns the table sorts by on the server. */
type ReleaseSortKey = Exclude<ReleaseSort, `-${string}`>;

/**
 * 发布: every release, newest first unless sorted, filtered by state, type, text, or only the open
 * ones; the server filters, sorts and pages it, and the URL keeps the filter, sort and page.
 */
export function ReleaseListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const pages = useCursorPages(['q', 'state', 'type', 'open'], { open: 'true' });
  const filter = pages.filter as {
    q?: string;
    state?: ReleaseState;
    type?: ReleaseType;
    open?: 'true' | 'false';
  };
  const releases = useReleases(pages.query<QueryOf<'/api/releases'>>());
  const sorted = (key: ReleaseSortKey) => pages.sortable(key);

  const columns: TableColumnsType<Release> = [
    {
      title: t('releases.fields.number'),
      dataIndex: 'number',
      width: 150,
      ...sorted('number'),
      render: (number: string, r) => (
        <Link to={`/releases/${r.id}`} className="rg-mono" data-testid="release-link">
          {number}
        </Link>
      ),
    },
    {
      title: t('releases.fields.title'),
      dataIndex: 'title',
      ...sorted('title'),
      render: (title: string, r) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <span>{title}</span>
          {r.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: r.description }} style={{ fontSize: 12 }}>
              {r.description}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('releases.fields.state'),
      key: 'state',
      width: 170,
      render: (_, r) => <ReleaseStateTag state={r.state} outcome={r.outcome} />,
    },
    {
      title: t('releases.fields.type'),
      key: 'type',
      width: 110,
      render: (_, r) => <ReleaseTypeTag type={r.type} proposal={r.proposal.type} />,
    },
    {
      title: t('releases.fields.requestedBy'),
      dataIndex: 'requestedBy',
      width: 120,
      render: (u: string) => <PersonName username={u} />,
    },
    {
      title: t('releases.fields.createdAt'),
      dataIndex: 'createdAt',
      width: 150,
      ...sorted('createdAt'),
      render: formatMinute,
    },
    {
      title: t('releases.fields.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      ...sorted('updatedAt'),
      render: formatMinute,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('releases.title')}
        subtitle={t('releases.subtitle')}
        extra={
          can('release.request') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => void navigate('/releases/new')}
              data-testid="release-request"
            >
              {t('releases.request')}
            </Button>
          )
        }
      />
      <Card>
        <Flex gap={12} wrap align="center" style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            key={filter.q ?? ''}
            defaultValue={filter.q}
            placeholder={t('releases.searchPlaceholder')}
            onSearch={(q) => pages.setFilter({ q: q.trim() || undefined })}
            style={{ width: 320 }}
            aria-label={t('releases.searchPlaceholder')}
            data-testid="release-search"
          />
          <Select<ReleaseState>
            allowClear
            placeholder={t('releases.stateFilter')}
            value={filter.state}
            onChange={(state) => pages.setFilter({ state })}
            options={RELEASE_STATES.map((s) => ({ value: s, label: t(`releases.states.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('releases.stateFilter')}
          />
          <Select<ReleaseType>
            allowClear
            placeholder={t('releases.typeFilter')}
            value={filter.type}
            onChange={(type) => pages.setFilter({ type })}
            options={RELEASE_TYPES.map((s) => ({ value: s, label: t(`releases.types.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('releases.typeFilter')}
          />
          <Flex align="center" gap={8}>
            <Switch
              checked={filter.open === 'true'}
              onChange={(open) => pages.setFilter({ open: open ? 'true' : 'false' })}
              aria-label={t('releases.openOnly')}
              data-testid="release-open-only"
            />
            <Typography.Text>{t('releases.openOnly')}</Typography.Text>
          </Flex>
        </Flex>
        <ErrorAlert error={releases.error} style={{ marginBottom: 16 }} />
        <Table<Release>
          rowKey="id"
          columns={columns}
          dataSource={releases.data?.items ?? []}
          loading={releases.isFetching}
          {...pages.tableProps(releases.data)}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('releases.empty') }}
          data-testid="release-table"
        />
      </Card>
    </>
  );
}
