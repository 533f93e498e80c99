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
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { PersonName } from '../../common/people';
import { PageHeader } from '../../common/PageHeader';
import { ChangeFormDrawer } from './ChangeFormDrawer';
import { ChangeRiskTag, ChangeStateTag, EmergencyChangeTag } from './ChangeTags';
import { type ChangeFilter, useChanges } from './changes.api';

/** 变更: the change register, built-in and external, filtered by state, source and text. */
export function ChangeListPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<ChangeFilter>({});
  const [creating, setCreating] = useState(false);
  const changes = useChanges(filter);

  const columns: TableColumnsType<Change> = [
    {
      title: t('changes.fields.number'),
      dataIndex: 'number',
      width: 150,
      render: (number: string, c) => (
        <Link to={`/changes/${c.id}`} className="rg-mono" data-testid="change-link">
          {number}
        </Link>
      ),
    },
    {
      title: t('changes.fields.title'),
      dataIndex: 'title',
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
            placeholder={t('changes.searchPlaceholder')}
            onSearch={(q) => setFilter((f) => ({ ...f, q: q.trim() || undefined }))}
            style={{ width: 320 }}
            aria-label={t('changes.searchPlaceholder')}
            data-testid="change-search"
          />
          <Select<ChangeState>
            allowClear
            placeholder={t('changes.stateFilter')}
            value={filter.state}
            onChange={(state) => setFilter((f) => ({ ...f, state }))}
            options={CHANGE_STATES.map((s) => ({ value: s, label: t(`changes.states.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('changes.stateFilter')}
          />
          <Select<ChangeSource>
            allowClear
            placeholder={t('changes.sourceFilter')}
            value={filter.source}
            onChange={(source) => setFilter((f) => ({ ...f, source }))}
            options={CHANGE_SOURCES.map((s) => ({ value: s, label: t(`changes.sources.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('changes.sourceFilter')}
          />
        </Flex>
        <ErrorAlert error={changes.error} style={{ marginBottom: 16 }} />
        <Table<Change>
          rowKey="id"
          columns={columns}
          dataSource={changes.data ?? []}
          loading={changes.isFetching}
          pagination={{
            pageSize: 20,
            hideOnSinglePage: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
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
