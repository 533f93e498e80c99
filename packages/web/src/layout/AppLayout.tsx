import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Button, Drawer, Flex, Layout, Menu, Typography } from 'antd';
import { usePhone } from '../common/usePhone';
import { MenuOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';
import { NotificationBell } from '../pages/notifications/NotificationBell';
import { NAV_GROUPS, selectedNavKey, visibleNavItems } from './navigation';

type MenuItem = Required<MenuProps>['items'][number];

/** The product frame: menu on the left, product name, language and user on top. */
export function AppLayout() {
  const { t } = useTranslation();
  const { canAny } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  // A phone (below 768 px): the header keeps to the screen's width, the user's name behind the avatar.
  const narrow = usePhone();

  const items = visibleNavItems(canAny);
  const entry = (i: (typeof items)[number]): MenuItem => ({
    key: i.path,
    icon: i.icon,
    label: t(i.labelKey),
  });
  const menuItems: MenuItem[] = [
    ...items.filter((i) => !i.group).map(entry),
    ...NAV_GROUPS.flatMap((group): MenuItem[] => {
      const children = items.filter((i) => i.group === group);
      if (children.length === 0) return [];
      // A collapsed menu is a column of icons: its group titles would be cut to "最终软…";
      // a line separates the groups instead (each item names itself in its tooltip).
      if (collapsed && !narrow) return [{ type: 'divider', key: `${group}-divider` }, ...children.map(entry)];
      return [{ type: 'group', key: group, label: t(`nav.${group}`), children: children.map(entry) }];
    }),
  ];

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[selectedNavKey(location.pathname)]}
      items={menuItems}
      onClick={({ key }) => {
        setDrawerOpen(false);
        void navigate(key);
      }}
      data-testid="main-menu"
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {narrow ? (
        // A phone keeps its whole width for the page: the menu slides in from the header's button.
        <Drawer
          placement="left"
          open={drawerOpen}
          onClose={() => setDrawerOpen(false)}
          size={264}
          closable={false}
          styles={{ body: { padding: 0, background: '#0f1f3d' }, header: { display: 'none' } }}
          data-testid="menu-drawer"
        >
          <Flex align="center" style={{ height: 64, paddingInline: 20 }}>
            <Brand dark variant="wordmark" />
          </Flex>
          {menu}
        </Drawer>
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
          {menu}
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
                onClick={() => setDrawerOpen(true)}
                data-testid="menu-open"
                style={{ flex: 'none' }}
              />
            )}
            <Typography.Text
              strong
              ellipsis
              style={{ fontSize: 16, minWidth: 0, flex: '0 1 auto' }}
              data-testid="product-name"
            >
              {t('app.name')}
              {!narrow && (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 400 }}>
                  {t('app.brand')}
                </Typography.Text>
              )}
            </Typography.Text>
            <Flex align="center" gap={narrow ? 8 : 16} style={{ flex: 'none' }}>
              {!narrow && (
                <Typography.Text type="secondary" data-testid="time-zone">
                  {t('app.timeZone')}
                </Typography.Text>
              )}
              <LanguageSwitch compact={narrow} />
              <NotificationBell />
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
