import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button, Card, Flex, Input, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import {
  CHANGE_SOURCES,
  CHANGE_STATES,
  type Change,
  type ChangeSource,
  type ChangeState,
} from '../../api/types';
import type { QueryOf } from '../../api/routes';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { PersonName } from '../../common/people';
import { PageHeader } from '../../common/PageHeader';
import { useCursorPages } from '../../common/useCursorPages';
import { ChangeFormDrawer } from './ChangeFormDrawer';
import { ChangeRiskTag, ChangeStateTag, EmergencyChangeTag } from './ChangeTags';
import { useChanges } from './changes.api';

type ChangeSort = NonNullable<QueryOf<'/api/changes'>['sort']>;
/** The columns the table sorts by on the server. */
type ChangeSortKey = Exclude<ChangeSort, `-${string}`>;

/**
 * 变更: the change register, built-in and external, filtered by state, source and text; the server
 * filters, sorts and pages it, and the URL keeps the filter, sort and page.
 */
export function ChangeListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const pages = useCursorPages(['q', 'state', 'source'], {});
  const filter = pages.filter as { q?: string; state?: ChangeState; source?: ChangeSource };
  const [creating, setCreating] = useState(false);
  const changes = useChanges(pages.query<QueryOf<'/api/changes'>>());
  const sorted = (key: ChangeSortKey) => pages.sortable(key);

  const columns: TableColumnsType<Change> = [
    {
      title: t('changes.fields.number'),
      dataIndex: 'number',
      width: 150,
      ...sorted('number'),
      render: (number: string, c) => (
        <Link to={`/changes/${c.id}`} className="rg-mono" data-testid="change-link">
          {number}
        </Link>
      ),
    },
    {
      title: t('changes.fields.title'),
      dataIndex: 'title',
      ...sorted('title'),
      render: (title: string, c) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <span>
            {c.emergency && <EmergencyChangeTag />} {title}
          </span>
          {c.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: c.description }} style={{ fontSize: 12 }}>
              {c.description}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('changes.fields.state'),
      dataIndex: 'state',
      width: 120,
      render: (state: ChangeState) => <ChangeStateTag state={state} />,
    },
    {
      title: t('changes.fields.source'),
      key: 'source',
      width: 150,
      render: (_, c) =>
        c.external ? (
          <Tag style={{ marginInlineEnd: 0 }}>
            {c.external.system} · {c.external.key}
          </Tag>
        ) : (
          t('changes.sources.internal')
        ),
    },
    {
      title: t('changes.fields.risk'),
      dataIndex: 'risk',
      width: 80,
      render: (risk: Change['risk']) => <ChangeRiskTag risk={risk} />,
    },
    {
      title: t('changes.fields.requester'),
      dataIndex: 'requester',
      width: 120,
      render: (u: string) => <PersonName username={u} />,
    },
    {
      title: t('changes.fields.cis'),
      key: 'cis',
      width: 80,
      render: (_, c) => c.ciIds.length,
    },
    {
      title: t('changes.fields.updatedAt'),
      dataIndex: 'updatedAt',
      width: 150,
      ...sorted('updatedAt'),
      render: formatMinute,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('changes.title')}
        subtitle={t('changes.subtitle')}
        extra={
          can('change.manage') && (
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => setCreating(true)}
              data-testid="change-create"
            >
              {t('changes.create')}
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
            placeholder={t('changes.searchPlaceholder')}
            onSearch={(q) => pages.setFilter({ q: q.trim() || undefined })}
            style={{ width: 320 }}
            aria-label={t('changes.searchPlaceholder')}
            data-testid="change-search"
          />
          <Select<ChangeState>
            allowClear
            placeholder={t('changes.stateFilter')}
            value={filter.state}
            onChange={(state) => pages.setFilter({ state })}
            options={CHANGE_STATES.map((s) => ({ value: s, label: t(`changes.states.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('changes.stateFilter')}
          />
          <Select<ChangeSource>
            allowClear
            placeholder={t('changes.sourceFilter')}
            value={filter.source}
            onChange={(source) => pages.setFilter({ source })}
            options={CHANGE_SOURCES.map((s) => ({ value: s, label: t(`changes.sources.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('changes.sourceFilter')}
          />
        </Flex>
        <ErrorAlert error={changes.error} style={{ marginBottom: 16 }} />
        <Table<Change>
          rowKey="id"
          columns={columns}
          dataSource={changes.data?.items ?? []}
          loading={changes.isFetching}
          {...pages.tableProps(changes.data)}
          scroll={{ x: 1100 }}
          locale={{ emptyText: t('changes.empty') }}
          data-testid="change-table"
        />
      </Card>
      {creating && (
        <ChangeFormDrawer
          onClose={() => setCreating(false)}
          onSaved={(c) => void navigate(`/changes/${c.id}`)}
        />
      )}
    </>
  );
}
