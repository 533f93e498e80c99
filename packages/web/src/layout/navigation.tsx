import type { ReactNode } from 'react';
import {
  AuditOutlined,
  ApartmentOutlined,
  CameraOutlined,
  CalendarOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  ContainerOutlined,
  FileProtectOutlined,
  HomeOutlined,
  KeyOutlined,
  ReadOutlined,
  NotificationOutlined,
  RocketOutlined,
  SwapOutlined,
  TeamOutlined,
} from '@ant-design/icons';

export interface NavItem {
  path: string;
  labelKey: string;
  icon: ReactNode;
  /** Shown when the user holds any of these; always shown when absent. */
  anyOf?: readonly string[];
  group?: NavGroup;
}

/** Menu groups in menu order; each is labelled `nav.<group>`. */
export const NAV_GROUPS = ['release', 'change', 'cmdb', 'dsl', 'policy', 'system'] as const;
export type NavGroup = (typeof NAV_GROUPS)[number];

/** The pages of the menu and the permissions that open them. */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: '/', labelKey: 'nav.home', icon: <HomeOutlined /> },
  {
    path: '/releases',
    labelKey: 'nav.releases',
    icon: <RocketOutlined />,
    anyOf: ['release.read'],
    group: 'release',
  },
  {
    path: '/calendar',
    labelKey: 'nav.calendar',
    icon: <CalendarOutlined />,
    anyOf: ['release.read'],
    group: 'release',
  },
  {
    path: '/measures',
    labelKey: 'nav.measures',
    icon: <DashboardOutlined />,
    anyOf: ['measures.read'],
    group: 'release',
  },
  {
    path: '/knowledge',
    labelKey: 'nav.knowledge',
    icon: <ReadOutlined />,
    anyOf: ['knowledge.read'],
    group: 'release',
  },
  {
    path: '/changes',
    labelKey: 'nav.changes',
    icon: <SwapOutlined />,
    anyOf: ['change.read'],
    group: 'change',
  },
  { path: '/cmdb', labelKey: 'nav.cis', icon: <ApartmentOutlined />, anyOf: ['cmdb.read'], group: 'cmdb' },
  {
    path: '/cmdb/baselines',
    labelKey: 'nav.baselines',
    icon: <CameraOutlined />,
    anyOf: ['cmdb.read'],
    group: 'cmdb',
  },
  {
    path: '/cmdb/import',
    labelKey: 'nav.cmdbImport',
    icon: <CloudUploadOutlined />,
    anyOf: ['cmdb.read'],
    group: 'cmdb',
  },
  {
    path: '/dsl',
    labelKey: 'nav.dslVersions',
    icon: <ContainerOutlined />,
    anyOf: ['dsl.read'],
    group: 'dsl',
  },
  {
    path: '/policy',
    labelKey: 'nav.policyDoc',
    icon: <FileProtectOutlined />,
    anyOf: ['policy.read'],
    group: 'policy',
  },
  {
    path: '/admin/users',
    labelKey: 'nav.users',
    icon: <TeamOutlined />,
    anyOf: ['user.read', 'user.manage'],
    group: 'system',
  },
  {
    path: '/admin/tokens',
    labelKey: 'nav.tokens',
    icon: <KeyOutlined />,
    anyOf: ['token.manage', 'token.own'],
    group: 'system',
  },
  {
    path: '/admin/notifications',
    labelKey: 'notifications.admin.nav',
    icon: <NotificationOutlined />,
    anyOf: ['notifications.manage'],
    group: 'system',
  },
  { path: '/audit', labelKey: 'nav.audit', icon: <AuditOutlined />, anyOf: ['audit.read'], group: 'system' },
];

export function visibleNavItems(canAny: (permissions: readonly string[]) => boolean): NavItem[] {
  return NAV_ITEMS.filter((item) => !item.anyOf || canAny(item.anyOf));
}

/** The menu key for a location: the longest item path that prefixes it. */
export function selectedNavKey(pathname: string): string {
  const matches = NAV_ITEMS.filter((i) =>
    i.path === '/' ? pathname === '/' : pathname === i.path || pathname.startsWith(`${i.path}/`),
  );
  return matches.sort((a, b) => b.path.length - a.path.length)[0]?.path ?? '';
}
