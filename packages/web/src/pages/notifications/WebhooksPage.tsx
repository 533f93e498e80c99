import { useState } from 'react';
import { Button, Card, Flex, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { useCursorPages } from '../../common/useCursorPages';
import { formatDateTime } from '../../common/format';
import { PageHeader } from '../../common/PageHeader';
import { useLanguage } from '../../i18n/useLanguage';
import { deliveryErrorText } from './deliveryText';
import { EndpointFormModal } from './EndpointFormModal';
import {
  deleteEndpoint,
  deliveriesQueryKey,
  retryDelivery,
  testEndpoint,
  type Delivery,
  type DeliveryQuery,
  type Endpoint,
  useDeliveries,
  useEndpoints,
} from './notifications.api';
import { useFeedback } from '../../common/feedback';

const STATUS_COLORS: Record<Delivery['status'], string> = {
  pending: 'processing',
  delivered: 'success',
  failed: 'error',
  skipped: 'default',
  cancelled: 'default',
};

/** X-2 for the system administrator: webhook endpoints and every e-mail and webhook delivery. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<Endpoint | 'new' | null>(null);
  return (
    <>
      <PageHeader
        title={t('notifications.admin.title')}
        subtitle={t('notifications.admin.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('notifications.admin.add')}
          </Button>
        }
      />
      <EndpointsCard onEdit={setEditing} />
      <DeliveriesCard />
      {editing && (
        <EndpointFormModal
          endpoint={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}

function EndpointsCard({ onEdit }: { onEdit: (e: Endpoint) => void }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const endpoints = useEndpoints();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['notifications'] });
  const test = useMutation({
    mutationFn: testEndpoint,
    onSuccess: (r) => {
      // The HTTP status or the failure's class: the server never passes on the receiver's body.
      if (r.ok) void message.success(t('notifications.admin.testOk', { code: r.responseCode }));
      else
        void message.error(
          t('notifications.admin.testFailed', {
            error: deliveryErrorText(t, { reason: r.errorReason, text: r.error }),
          }),
        );
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: deleteEndpoint,
    onSuccess: () => {
      void message.success(t('notifications.admin.deleted'));
      refresh();
    },
  });

  return (
    <Card title={t('notifications.admin.endpoints')} style={{ marginBottom: 16 }}>
      <ErrorAlert error={endpoints.error ?? test.error ?? remove.error} style={{ marginBottom: 16 }} />
      <Table<Endpoint>
        rowKey="id"
        size="middle"
        pagination={false}
        loading={endpoints.isLoading}
        dataSource={endpoints.data ?? []}
        scroll={{ x: 900 }}
        columns={[
          { title: t('notifications.admin.name'), dataIndex: 'name' },
          {
            title: t('notifications.admin.format'),
            dataIndex: 'format',
            render: (f: Endpoint['format']) => t(`notifications.admin.formats.${f}`),
          },
          {
            title: t('notifications.admin.url'),
            dataIndex: 'url',
            render: (url: string) => (
              <Typography.Text ellipsis copyable style={{ maxWidth: 260 }}>
                {url}
              </Typography.Text>
            ),
          },
          {
            title: t('notifications.admin.secret'),
            dataIndex: 'hasSecret',
            render: (has: boolean) =>
              has ? <Tag color="green">{t('notifications.admin.secretSet')}</Tag> : '—',
          },
          {
            title: t('notifications.admin.kinds'),
            dataIndex: 'kinds',
            render: (kinds: Endpoint['kinds']) => (
              <Flex gap={4} wrap>
                {kinds.map((k) => (
                  <Tag key={k} bordered={false}>
                    {t(`notifications.kinds.${k}`)}
                  </Tag>
                ))}
              </Flex>
            ),
          },
          {
            title: t('notifications.admin.enabled'),
            dataIndex: 'enabled',
            render: (on: boolean) =>
              on ? (
                <Tag color="blue">{t('notifications.admin.enabled')}</Tag>
              ) : (
                <Tag>{t('notifications.admin.disabled')}</Tag>
              ),
          },
          {
            title: t('notifications.admin.recentFailures'),
            key: 'recentFailures',
            render: (_: unknown, e) => <RecentFailures failures={e.recentFailures} />,
          },
          {
            title: t('notifications.admin.actions'),
            key: 'actions',
            render: (_: unknown, e) => (
              <Space size={0} wrap>
                <Button type="link" size="small" onClick={() => onEdit(e)}>
                  {t('common.edit')}
                </Button>
                <Button
                  type="link"
                  size="small"
                  loading={test.isPending && test.variables === e.id}
                  onClick={() => test.mutate(e.id)}
                >
                  {t('notifications.admin.test')}
                </Button>
                <Popconfirm
                  title={t('notifications.admin.deleteConfirm', { name: e.name })}
                  okText={t('notifications.admin.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => remove.mutate(e.id)}
                >
                  <Button type="link" size="small" danger>
                    {t('notifications.admin.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

/**
 * an endpoint's latest attempts that did not get through, newest first, each with its time
 * and why: a robot's own code and, where its vendor publishes them, its words.
 */
function RecentFailures({ failures }: { failures: Endpoint['recentFailures'] }) {
  const { t } = useTranslation();
  if (failures.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Flex vertical gap={2} style={{ maxWidth: 360 }} data-testid="endpoint-failures">
      {failures.map((f) => (
        <Typography.Text
          key={f.deliveryId}
          type={f.status === 'failed' ? 'danger' : 'warning'}
          style={{ fontSize: 12 }}
        >
          {formatDateTime(f.at)} {deliveryErrorText(t, { reason: f.lastErrorReason, text: f.lastError })}
        </Typography.Text>
      ))}
    </Flex>
  );
}

function DeliveriesCard() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  // The status filter, sort and page live in the URL (server pages, by cursor).
  const pages = useCursorPages(['status'], {});
  const status = pages.filter.status as Delivery['status'] | undefined;
  const deliveries = useDeliveries(pages.query<Partial<DeliveryQuery>>());
  const retry = useMutation({
    mutationFn: retryDelivery,
    onSuccess: () => {
      void message.success(t('notifications.admin.retried'));
      void queryClient.invalidateQueries({ queryKey: deliveriesQueryKey });
    },
  });
  const statuses: Delivery['status'][] = ['pending', 'delivered', 'failed', 'skipped', 'cancelled'];

  return (
    <Card
      title={t('notifications.admin.deliveries')}
      extra={
        <Flex gap={8}>
          <Select<Delivery['status']>
            allowClear
            placeholder={t('notifications.admin.allStatuses')}
            value={status}
            onChange={(next) => pages.setFilter({ status: next })}
            options={statuses.map((s) => ({ value: s, label: t(`notifications.admin.statuses.${s}`) }))}
            style={{ width: 160 }}
            aria-label={t('notifications.admin.status')}
          />
          <Button
            icon={<ReloadOutlined />}
            aria-label={t('notifications.admin.refresh')}
            onClick={() => void deliveries.refetch()}
          />
        </Flex>
      }
    >
      <ErrorAlert error={deliveries.error ?? retry.error} style={{ marginBottom: 16 }} />
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={deliveries.isFetching}
        dataSource={deliveries.data?.items ?? []}
        {...pages.tableProps(deliveries.data)}
        scroll={{ x: 1100 }}
        columns={[
          {
            title: t('notifications.admin.createdAt'),
            dataIndex: 'createdAt',
            width: 170,
            render: formatDateTime,
          },
          {
            title: t('notifications.admin.channel'),
            dataIndex: 'channel',
            width: 100,
            render: (c: Delivery['channel']) => t(`notifications.admin.channels.${c}`),
          },
          {
            title: t('notifications.admin.target'),
            key: 'target',
            render: (_: unknown, d) => d.endpointName ?? d.recipient ?? '—',
          },
          {
            title: t('notifications.admin.subject'),
            key: 'title',
            render: (_: unknown, d) => (
              <Space size={4}>
                <Tag bordered={false}>{t(`notifications.kinds.${d.kind}`, { defaultValue: d.kind })}</Tag>
                <Typography.Text ellipsis style={{ maxWidth: 240 }}>
                  {d.title[language]}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('notifications.admin.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: Delivery['status']) => (
              <Tag color={STATUS_COLORS[s]}>{t(`notifications.admin.statuses.${s}`)}</Tag>
            ),
          },
          { title: t('notifications.admin.attempts'), dataIndex: 'attempts', width: 90, align: 'right' },
          {
            title: t('notifications.admin.responseCode'),
            dataIndex: 'responseCode',
            width: 90,
            render: (c: number | null) => c ?? '—',
          },
          {
            title: t('notifications.admin.lastError'),
            dataIndex: 'lastError',
            render: (e: string | null, d) =>
              e ? (
                <Typography.Text
                  type={d.status === 'skipped' ? 'secondary' : 'danger'}
                  ellipsis={{ tooltip: deliveryErrorText(t, { reason: d.lastErrorReason, text: e }) }}
                  style={{ maxWidth: 260 }}
                >
                  {/* The server's own reason, in the reader's language. */}
                  {deliveryErrorText(t, { reason: d.lastErrorReason, text: e })}
                </Typography.Text>
              ) : (
                '—'
              ),
          },
          {
            title: t('notifications.admin.actions'),
            key: 'actions',
            width: 110,
            render: (_: unknown, d) =>
              (d.status === 'failed' || d.status === 'cancelled') && d.kind !== 'test' ? (
                <Button
                  type="link"
                  size="small"
                  loading={retry.isPending && retry.variables === d.id}
                  onClick={() => retry.mutate(d.id)}
                >
                  {t('notifications.admin.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
    </Card>
  );
}
