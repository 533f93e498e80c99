import { Suspense, useState } from 'react';
import { Outlet } from 'react-router';
import { Button, Flex, Layout } from 'antd';
import { Text } from '../common/Text';
import { usePhone } from '../common/usePhone';
import { MenuOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { lazyNamed } from '../common/lazyNamed';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { useAuth } from '../auth/AuthContext';

// Issue #18: the menu (antd's Menu, the drawer, the pages' icons) is not in the first download.
const NavMenu = lazyNamed(() => import('./NavMenu'), 'NavMenu');
const NavDrawer = lazyNamed(() => import('./NavMenu'), 'NavDrawer');

/** The product frame: menu on the left, product name, language and user on top. */
export function AppLayout() {
  const { t } = useTranslation();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [drawerWanted, setDrawerWanted] = useState(false);
  // A phone (below 768 px): the header keeps to the screen's width, the user's name behind the avatar.
  const narrow = usePhone();
  const { session } = useAuth();
  const accountReady = !session.passwordExpired && !session.mustEnrolSecondFactor;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {narrow ? (
        // The drawer's code is fetched when it is first opened.
        drawerWanted && (
          <Suspense fallback={null}>
            <NavDrawer open={drawerOpen} onClose={() => setDrawerOpen(false)} />
          </Suspense>
        )
      ) : (
        <Layout.Sider
          collapsible
          collapsed={collapsed}
          onCollapse={setCollapsed}
          width={224}
          breakpoint="xl"
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <Flex align="center" style={{ height: 64, paddingInline: collapsed ? 28 : 20 }}>
            <Brand dark variant={collapsed ? 'mark' : 'wordmark'} />
          </Flex>
          <Suspense fallback={null}>
            <NavMenu collapsed={collapsed} />
          </Suspense>
        </Layout.Sider>
      )}
      <Layout>
        <Layout.Header
          style={{
            borderBottom: '1px solid #e8ebf0',
            position: 'sticky',
            top: 0,
            zIndex: 10,
            ...(narrow && { paddingInline: 12 }),
          }}
        >
          <Flex align="center" justify="space-between" style={{ height: '100%' }} gap={narrow ? 8 : 16}>
            {narrow && (
              <Button
                type="text"
                icon={<MenuOutlined />}
                aria-label={t('app.openMenu')}
                onClick={() => {
                  setDrawerWanted(true);
                  setDrawerOpen(true);
                }}
                data-testid="menu-open"
                style={{ flex: 'none' }}
              />
            )}
            <Text
              strong
              ellipsis
              style={{ fontSize: 16, minWidth: 0, flex: '0 1 auto' }}
              data-testid="product-name"
            >
              {t('app.name')}
              {!narrow && (
                <Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 400 }}>
                  {t('app.brand')}
                </Text>
              )}
            </Text>
            <Flex align="center" gap={narrow ? 8 : 16} style={{ flex: 'none' }}>
              {!narrow && (
                <Text type="secondary" data-testid="time-zone">
                  {t('app.timeZone')}
                </Text>
              )}
              <LanguageSwitch compact={narrow} />
              {/* Until the password is changed or the second factor enrolled, the server answers
                  nothing else: no bell asking it for notices it will refuse. */}
              {accountReady && <NotificationBell />}
              <UserMenu compact={narrow} />
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24 }}>
          <Outlet />
        </Layout.Content>
        <Layout.Footer style={{ textAlign: 'center', color: '#8c8c8c', paddingBlock: 16 }}>
          {t('app.footer')}
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
