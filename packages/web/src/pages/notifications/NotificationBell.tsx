import { Suspense, useState } from 'react';
import { Badge, Button, Flex, Popover, Spin } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { lazyNamed } from '../../common/lazyNamed';
import { type NotificationCategory, useNotifications } from './notifications.api';

const NotificationPanel = lazyNamed(() => import('./NotificationPanel'), 'NotificationPanel');

/**
 * the bell in the header — its badge counts the to-dos still open (decision 0018); a click
 * opens the list (NotificationPanel, fetched on the first click).
 */
export function NotificationBell() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [tab, setTab] = useState<NotificationCategory>('todo');
  const list = useNotifications(tab);
  // X-2 (decision 0018): the badge counts what is still to do; the digest only informs.
  const todo = list.data?.pages[0]?.todo ?? 0;

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      // On a phone the list is wider than the space left of the bell: it moves into the screen.
      align={{ overflow: { adjustY: true, shiftX: true } }}
      open={open}
      onOpenChange={setOpen}
      content={
        <Suspense
          fallback={
            <Flex justify="center" style={{ width: 'min(380px, calc(100vw - 40px))', padding: 24 }}>
              <Spin />
            </Flex>
          }
        >
          <NotificationPanel tab={tab} setTab={setTab} close={() => setOpen(false)} />
        </Suspense>
      }
      title={t('notifications.bell')}
    >
      <Button
        type="text"
        aria-label={t('notifications.bellLabel', { count: todo })}
        data-testid="notification-bell"
        icon={
          <Badge count={todo} size="small" overflowCount={99}>
            <BellOutlined style={{ fontSize: 18 }} />
          </Badge>
        }
      />
    </Popover>
  );
}
