import { useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Flex, Layout, Menu, Typography } from 'antd';
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

  const items = visibleNavItems(canAny);
  const entry = (i: (typeof items)[number]): MenuItem => ({
    key: i.path,
    icon: i.icon,
    label: t(i.labelKey),
  });
  const menuItems: MenuItem[] = [
    ...items.filter((i) => !i.group).map(entry),
    ...NAV_GROUPS.flatMap((group) => {
      const children = items.filter((i) => i.group === group);
      return children.length > 0
        ? [{ type: 'group' as const, key: group, label: t(`nav.${group}`), children: children.map(entry) }]
        : [];
    }),
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
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
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selectedNavKey(location.pathname)]}
          items={menuItems}
          onClick={({ key }) => void navigate(key)}
          data-testid="main-menu"
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ borderBottom: '1px solid #e8ebf0', position: 'sticky', top: 0, zIndex: 10 }}>
          <Flex align="center" justify="space-between" style={{ height: '100%' }} gap={16}>
            <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }} data-testid="product-name">
              {t('app.name')}
              <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 400 }}>
                {t('app.brand')}
              </Typography.Text>
            </Typography.Text>
            <Flex align="center" gap={16}>
              <LanguageSwitch />
              <NotificationBell />
              <UserMenu />
            </Flex>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
        <Layout.Footer style={{ textAlign: 'center', color: '#8c8c8c', paddingBlock: 16 }}>
          {t('app.footer')}
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
