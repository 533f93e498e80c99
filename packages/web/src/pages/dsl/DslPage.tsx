import '../../i18n/zh.dsl';
import { useState } from 'react';
import type { QueryOf } from '../../api/routes';
import { useCursorPages } from '../../common/useCursorPages';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Flex, Input, Select, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { DSL_STATES, type DslState, type DslVersion } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { PageHeader } from '../../common/PageHeader';
import { formatSize, useDslVersions } from './dsl.api';
import { DslStateTag } from './DslStateTag';
import { RegisterVersionModal } from './RegisterVersionModal';
import { PersonName } from '../../common/people';

type DslSort = NonNullable<QueryOf<'/api/dsl/versions'>['sort']>;
/** The columns the table sorts by on the server. */
type DslSortKey = Exclude<DslSort, `-${string}`>;

/**
 * 最终软件库 (DS-1): every registered version, its state, digest and who decided; the server
 * filters, sorts and pages it, and the URL keeps the filter, sort and page.
 */
export function DslPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const pages = useCursorPages(['q', 'state'], {});
  const filter = pages.filter as { q?: string; state?: DslState };
  const [registering, setRegistering] = useState(false);
  const versions = useDslVersions(pages.query<QueryOf<'/api/dsl/versions'>>());
  const sorted = (key: DslSortKey) => pages.sortable(key);

  const columns: TableColumnsType<DslVersion> = [
    {
      title: t('dsl.name'),
      dataIndex: 'name',
      ...sorted('name'),
      render: (name: string, v) => (
        <Link to={`/dsl/versions/${v.id}`} data-testid="dsl-link">
          {name}
        </Link>
      ),
    },
    {
      title: t('dsl.version'),
      dataIndex: 'version',
      width: 130,
      ...sorted('version'),
      render: (version: string) => <span className="rg-mono">{version}</span>,
    },
    {
      title: t('dsl.state'),
      dataIndex: 'state',
      width: 100,
      render: (state: DslState) => <DslStateTag state={state} />,
    },
    {
      title: t('dsl.digest'),
      dataIndex: 'digest',
      width: 150,
      render: (digest: string | null, v) =>
        digest ? (
          <Tooltip title={digest}>
            <span className="rg-mono">{digest.slice(0, 12)}…</span>
            {v.kind === 'external' && <Tag style={{ marginInlineStart: 6 }}>{t('dsl.externalShort')}</Tag>}
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">{t('dsl.noContent')}</Typography.Text>
        ),
    },
    {
      title: t('dsl.size'),
      dataIndex: 'size',
      width: 100,
      render: formatSize,
    },
    {
      title: t('dsl.registeredBy'),
      width: 170,
      // Newest first unless another sort is asked for.
      ...pages.sortable('createdAt' satisfies DslSortKey, 'descend'),
      render: (_, v) => (
        <Flex vertical>
          <span>{v.createdBy ? <PersonName username={v.createdBy} /> : '—'}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {formatMinute(v.createdAt)}
          </Typography.Text>
        </Flex>
      ),
    },
    {
      title: t('dsl.decidedBy'),
      key: 'decided',
      width: 170,
      render: (_, v) =>
        v.decidedBy ? (
          <Flex vertical>
            <PersonName username={v.decidedBy} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {formatMinute(v.decidedAt)}
            </Typography.Text>
          </Flex>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('dsl.title')}
        subtitle={t('dsl.subtitle')}
        extra={
          can('dsl.upload') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setRegistering(true)}
              data-testid="dsl-register"
            >
              {t('dsl.register')}
            </Button>
          )
        }
      />
      <Card>
        <Flex gap={12} wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            key={filter.q ?? ''}
            defaultValue={filter.q}
            placeholder={t('dsl.searchPlaceholder')}
            onSearch={(q) => pages.setFilter({ q: q.trim() || undefined })}
            style={{ width: 320 }}
            aria-label={t('dsl.searchPlaceholder')}
            data-testid="dsl-search"
          />
          <Select<DslState>
            allowClear
            placeholder={t('dsl.stateFilter')}
            value={filter.state}
            onChange={(state) => pages.setFilter({ state })}
            options={DSL_STATES.map((s) => ({ value: s, label: t(`dsl.states.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('dsl.stateFilter')}
          />
        </Flex>
        <ErrorAlert error={versions.error} style={{ marginBottom: 16 }} />
        <Table<DslVersion>
          rowKey="id"
          columns={columns}
          dataSource={versions.data?.items ?? []}
          loading={versions.isFetching}
          {...pages.tableProps(versions.data)}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('dsl.empty') }}
          data-testid="dsl-table"
        />
      </Card>
      {registering && (
        <RegisterVersionModal
          onClose={() => setRegistering(false)}
          onDone={(v) => {
            setRegistering(false);
            void navigate(`/dsl/versions/${v.id}`);
          }}
        />
      )}
    </>
  );
}
