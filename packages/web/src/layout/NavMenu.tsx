import { useLocation, useNavigate } from 'react-router';
import { Drawer, Flex, Menu } from 'antd';
import type { MenuProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth/AuthContext';
import { Brand } from './Brand';
import { NAV_GROUPS, selectedNavKey, visibleNavItems } from './navigation';

type MenuItem = Required<MenuProps>['items'][number];

/**
 * The product menu: the pages this user may open, in their groups. A module of its own, fetched
 * when the menu is first shown (issue #18): on a phone it waits behind the header's button.
 */
export function NavMenu({
  collapsed = false,
  narrow = false,
  onNavigate,
}: {
  collapsed?: boolean;
  narrow?: boolean;
  onNavigate?: () => void;
}) {
  const { t } = useTranslation();
  const { canAny } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();

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

  return (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[selectedNavKey(location.pathname)]}
      items={menuItems}
      onClick={({ key }) => {
        onNavigate?.();
        void navigate(key);
      }}
      data-testid="main-menu"
    />
  );
}

/** A phone keeps its whole width for the page: the menu slides in from the header's button. */
export function NavDrawer({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Drawer
      placement="left"
      open={open}
      onClose={onClose}
      size={264}
      closable={false}
      styles={{ body: { padding: 0, background: '#0f1f3d' }, header: { display: 'none' } }}
      data-testid="menu-drawer"
    >
      <Flex align="center" style={{ height: 64, paddingInline: 20 }}>
        <Brand dark variant="wordmark" />
      </Flex>
      <NavMenu narrow onNavigate={onClose} />
    </Drawer>
  );
}
