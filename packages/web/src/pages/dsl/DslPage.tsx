import { useState } from 'react';
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
import { formatSize, type DslFilter, useDslVersions } from './dsl.api';
import { DslStateTag } from './DslStateTag';
import { RegisterVersionModal } from './RegisterVersionModal';
import { PersonName } from '../../common/people';

/** 最终软件库 (DS-1): every registered version, its state, digest and who decided. */
export function DslPage() {
  const { t, i18n } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<DslFilter>({});
  const [registering, setRegistering] = useState(false);
  const versions = useDslVersions(filter);
  const collator = new Intl.Collator(i18n.language === 'en' ? 'en' : 'zh-CN', { numeric: true });

  const columns: TableColumnsType<DslVersion> = [
    {
      title: t('dsl.name'),
      dataIndex: 'name',
      sorter: (a, b) => collator.compare(a.name, b.name),
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
      sorter: (a, b) => collator.compare(a.version, b.version),
      render: (version: string) => <span className="rg-mono">{version}</span>,
    },
    {
      title: t('dsl.state'),
      dataIndex: 'state',
      width: 100,
      sorter: (a, b) => DSL_STATES.indexOf(a.state) - DSL_STATES.indexOf(b.state),
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
      sorter: (a, b) => (a.size ?? -1) - (b.size ?? -1),
      render: formatSize,
    },
    {
      title: t('dsl.registeredBy'),
      key: 'created',
      width: 170,
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      defaultSortOrder: 'descend',
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
            placeholder={t('dsl.searchPlaceholder')}
            onSearch={(q) => setFilter((f) => ({ ...f, q: q.trim() || undefined }))}
            style={{ width: 320 }}
            aria-label={t('dsl.searchPlaceholder')}
            data-testid="dsl-search"
          />
          <Select<DslState>
            allowClear
            placeholder={t('dsl.stateFilter')}
            value={filter.state}
            onChange={(state) => setFilter((f) => ({ ...f, state }))}
            options={DSL_STATES.map((s) => ({ value: s, label: t(`dsl.states.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('dsl.stateFilter')}
          />
        </Flex>
        <ErrorAlert error={versions.error} style={{ marginBottom: 16 }} />
        <Table<DslVersion>
          rowKey="id"
          columns={columns}
          dataSource={versions.data ?? []}
          loading={versions.isFetching}
          pagination={{
            pageSize: 20,
            hideOnSinglePage: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
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
