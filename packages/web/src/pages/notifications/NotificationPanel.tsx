import { Badge, Button, Empty, Flex, List, Segmented, Tag, Typography } from 'antd';
import { CheckOutlined, SettingOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { useLanguage } from '../../i18n/useLanguage';
import {
  markAllRead,
  markRead,
  notificationsQueryKey,
  type NotificationCategory,
  type NotificationItem,
  useNotifications,
} from './notifications.api';

/** The digest's notices grouped by release (the most recent release first), each group newest first. */
function groupByRelease(items: NotificationItem[]): NotificationItem[] {
  const groups = new Map<string, NotificationItem[]>();
  for (const n of items) {
    const key = n.releaseId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()].flat();
}

/**
 * The bell's list, fetched when the bell is first opened (issue #18: antd's List, with its
 * pagination and Select, stays out of the first download): the to-do tab open first (done ones
 * struck through, naming who did them), the digest grouped by release. Mark read, follow the link.
 */
export function NotificationPanel({
  tab,
  setTab,
  close,
}: {
  tab: NotificationCategory;
  setTab: (tab: NotificationCategory) => void;
  close: () => void;
}) {
  const { t } = useTranslation();
  const [language] = useLanguage();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const list = useNotifications(tab);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: notificationsQueryKey });
  const read = useMutation({ mutationFn: markRead, onSuccess: refresh });
  const readAll = useMutation({ mutationFn: () => markAllRead(tab), onSuccess: refresh });
  const first = list.data?.pages[0];
  const todo = first?.todo ?? 0;
  const info = first?.info ?? 0;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  // The digest is grouped by release, the latest first; a to-do list stays in its order (open first).
  const shown = tab === 'info' ? groupByRelease(items) : items;

  const follow = (n: NotificationItem) => {
    if (!n.readAt) read.mutate(n.id);
    close();
    if (n.link) void navigate(n.link);
  };

  return (
    // A phone's screen is narrower than the list: it keeps a margin on either side.
    <div style={{ width: 'min(380px, calc(100vw - 40px))' }} data-testid="notification-list">
      <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
        <Segmented<NotificationCategory>
          size="small"
          value={tab}
          onChange={setTab}
          data-testid="notification-tabs"
          options={[
            { value: 'todo', label: `${t('notifications.todo')} ${todo}` },
            { value: 'info', label: `${t('notifications.digest')} ${info}` },
          ]}
        />
        <Button
          size="small"
          type="link"
          icon={<CheckOutlined />}
          disabled={tab === 'todo' ? items.every((n) => n.readAt) : info === 0}
          loading={readAll.isPending}
          onClick={() => readAll.mutate()}
        >
          {t('notifications.markAllRead')}
        </Button>
      </Flex>
      <ErrorAlert error={list.error ?? read.error ?? readAll.error} style={{ marginBottom: 8 }} />
      {tab === 'info' && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '0 0 4px' }}>
          {t('notifications.digestHelp')}
        </Typography.Paragraph>
      )}
      <List<NotificationItem>
        size="small"
        loading={list.isLoading}
        dataSource={shown}
        style={{ maxHeight: 420, overflow: 'auto' }}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={tab === 'todo' ? t('notifications.emptyTodo') : t('notifications.emptyDigest')}
            />
          ),
        }}
        renderItem={(n) => (
          <List.Item
            key={n.id}
            style={{ cursor: n.link ? 'pointer' : undefined, opacity: n.readAt || n.doneAt ? 0.65 : 1 }}
            onClick={() => follow(n)}
            actions={
              n.readAt || n.doneAt
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
                  {!n.readAt && !n.doneAt && <Badge status="processing" />}
                  <Typography.Text
                    strong={!n.readAt && !n.doneAt}
                    delete={!!n.doneAt}
                    ellipsis
                    style={{ maxWidth: 250 }}
                  >
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
                    {n.doneAt ? (
                      <Tag bordered={false} color="success">
                        {n.doneBy ? t('notifications.doneBy', { name: n.doneBy }) : t('notifications.done')}
                      </Tag>
                    ) : (
                      <Tag bordered={false}>{t(`notifications.kinds.${n.kind}`)}</Tag>
                    )}
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
      <Flex justify={list.hasNextPage ? 'space-between' : 'end'} style={{ marginTop: 8 }}>
        {list.hasNextPage && (
          <Button
            size="small"
            type="link"
            loading={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
            data-testid="notification-load-more"
          >
            {t('common.loadMore')}
          </Button>
        )}
        <Button
          size="small"
          type="link"
          icon={<SettingOutlined />}
          onClick={() => {
            close();
            void navigate('/account/notifications');
          }}
        >
          {t('notifications.preferencesLink')}
        </Button>
      </Flex>
    </div>
  );
}
