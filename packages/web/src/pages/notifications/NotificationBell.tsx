import { useState } from 'react';
import { Badge, Button, Empty, Flex, List, Popover, Segmented, Tag, Typography } from 'antd';
import { BellOutlined, CheckOutlined, SettingOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { useLanguage } from '../../i18n/useLanguage';
import {
  listNotifications,
  markAllRead,
  markRead,
  notificationsQueryKey,
  type NotificationItem,
} from './notifications.api';

/** How often the bell asks for new notifications. */
const POLL_MS = 30_000;

/** the bell in the header — the unread count, the latest notifications, mark read, follow the link. */
export function NotificationBell() {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useQuery({
    queryKey: [...notificationsQueryKey, unreadOnly ? 'unread' : 'all'],
    queryFn: ({ signal }) => listNotifications(unreadOnly, signal),
    refetchInterval: POLL_MS,
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationsQueryKey });
  const read = useMutation({ mutationFn: markRead, onSuccess: refresh });
  const readAll = useMutation({ mutationFn: markAllRead, onSuccess: refresh });
  const unread = list.data?.unread ?? 0;

  const follow = (n: NotificationItem) => {
    if (!n.readAt) read.mutate(n.id);
    setOpen(false);
    if (n.link) void navigate(n.link);
  };

  const content = (
    <div style={{ width: 380 }} data-testid="notification-list">
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Segmented<'all' | 'unread'>
          size="small"
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => setUnreadOnly(v === 'unread')}
          options={[
            { value: 'all', label: t('notifications.all') },
            { value: 'unread', label: t('notifications.unreadOnly') },
          ]}
        />
        <Button
          size="small"
          type="link"
          icon={<CheckOutlined />}
          disabled={unread === 0}
          loading={readAll.isPending}
          onClick={() => readAll.mutate()}
        >
          {t('notifications.markAllRead')}
        </Button>
      </Flex>
      <ErrorAlert error={list.error ?? read.error ?? readAll.error} style={{ marginBottom: 8 }} />
      <List<NotificationItem>
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.notifications ?? []}
        style={{ maxHeight: 420, overflow: 'auto' }}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={unreadOnly ? t('notifications.emptyUnread') : t('notifications.empty')}
            />
          ),
        }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            style={{ cursor: n.link ? 'pointer' : undefined, opacity: n.readAt ? 0.65 : 1 }}
            onClick={() => follow(n)}
            actions={
              n.readAt
                ? []
                : [
                    <Button
                      key="read"
                      size="small"
                      type="text"
                      aria-label={t('notifications.markRead')}
                      title={t('notifications.markRead')}
                      icon={<CheckOutlined />}
                      onClick={(e) => {
                        e.stopPropagation();
                        read.mutate(n.id);
                      }}
                    />,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Flex gap={6} align="center">
                  {!n.readAt && <Badge status="processing" />}
                  <Typography.Text strong={!n.readAt} ellipsis style={{ maxWidth: 250 }}>
                    {n.title[language]}
                  </Typography.Text>
                </Flex>
              }
              description={
                <>
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                    {n.body[language]}
                  </Typography.Paragraph>
                  <Flex gap={8} align="center" style={{ marginTop: 4 }}>
                    <Tag bordered={false}>{t(`notifications.kinds.${n.kind}`)}</Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatMinute(n.createdAt)}
                    </Typography.Text>
                  </Flex>
                </>
              }
            />
          </List.Item>
        )}
      />
      <Flex justify="end" style={{ marginTop: 8 }}>
        <Button
          size="small"
          type="link"
          icon={<SettingOutlined />}
          onClick={() => {
            setOpen(false);
            void navigate('/account/notifications');
          }}
        >
          {t('notifications.preferencesLink')}
        </Button>
      </Flex>
    </div>
  );

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      content={content}
      title={t('notifications.bell')}
    >
      <Button
        type="text"
        aria-label={t('notifications.bellLabel', { count: unread })}
        data-testid="notification-bell"
        icon={
          <Badge count={unread} size="small" overflowCount={99}>
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        }
      />
    </Popover>
  );
}
