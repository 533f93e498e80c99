import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Alert, Card, Flex } from 'antd';
import { Paragraph, Text } from '../../common/Text';
import {
  ApartmentOutlined,
  AuditOutlined,
  CalendarOutlined,
  ContainerOutlined,
  FileProtectOutlined,
  KeyOutlined,
  LockOutlined,
  RocketOutlined,
  SwapOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';

interface QuickLink {
  to: string;
  titleKey: string;
  descriptionKey: string;
  icon: ReactNode;
  anyOf?: readonly string[];
}

const LINKS: readonly QuickLink[] = [
  {
    to: '/releases',
    titleKey: 'nav.releases',
    descriptionKey: 'home.linkReleases',
    icon: <RocketOutlined />,
    anyOf: ['release.read'],
  },
  {
    to: '/changes',
    titleKey: 'nav.changes',
    descriptionKey: 'home.linkChanges',
    icon: <SwapOutlined />,
    anyOf: ['change.read'],
  },
  {
    to: '/calendar',
    titleKey: 'nav.calendar',
    descriptionKey: 'home.linkCalendar',
    icon: <CalendarOutlined />,
    anyOf: ['release.read'],
  },
  {
    to: '/policy',
    titleKey: 'nav.policy',
    descriptionKey: 'home.linkPolicy',
    icon: <FileProtectOutlined />,
    anyOf: ['policy.read'],
  },
  {
    to: '/cmdb',
    titleKey: 'nav.cis',
    descriptionKey: 'home.linkCmdb',
    icon: <ApartmentOutlined />,
    anyOf: ['cmdb.read'],
  },
  {
    to: '/dsl',
    titleKey: 'nav.dsl',
    descriptionKey: 'home.linkDsl',
    icon: <ContainerOutlined />,
    anyOf: ['dsl.read'],
  },
  {
    to: '/admin/users',
    titleKey: 'nav.users',
    descriptionKey: 'home.linkUsers',
    icon: <TeamOutlined />,
    anyOf: ['user.read', 'user.manage'],
  },
  {
    to: '/admin/tokens',
    titleKey: 'nav.tokens',
    descriptionKey: 'home.linkTokens',
    icon: <KeyOutlined />,
    anyOf: ['token.manage', 'token.own'],
  },
  {
    to: '/audit',
    titleKey: 'nav.audit',
    descriptionKey: 'home.linkAudit',
    icon: <AuditOutlined />,
    anyOf: ['audit.read'],
  },
  {
    to: '/account/password',
    titleKey: 'nav.account',
    descriptionKey: 'home.linkPassword',
    icon: <LockOutlined />,
  },
];

/** One column on a phone, two on a tablet, four on a wide screen, 16 px apart. */
const LINK_GRID = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))',
  gap: 16,
} as const;

/** Shortcuts to what the user's permissions open. */
export function QuickLinks() {
  const { t } = useTranslation();
  const { canAny } = useAuth();
  const links = LINKS.filter((l) => !l.anyOf || canAny(l.anyOf));
  const adminLinks = links.filter((l) => l.anyOf);
  return (
    <Card title={t('home.permissionsTitle')} data-testid="quick-links" className="rg-later">
      {adminLinks.length === 0 && (
        <Alert type="info" showIcon title={t('home.noLinks')} style={{ marginBottom: 16 }} />
      )}
      {/* A CSS grid rather than antd's Row and Col (issue #18): their styles are 110 KB, every
          column width at every breakpoint, which a phone would compute or download for this. */}
      <div style={LINK_GRID}>
        {links.map((link) => (
          <Link key={link.to} to={link.to} style={{ display: 'block', height: '100%' }}>
            <Card hoverable size="small" style={{ height: '100%' }}>
              <Flex gap={12} align="flex-start">
                <span style={{ fontSize: 22, color: '#1f5fd1', lineHeight: 1 }}>{link.icon}</span>
                <div style={{ minWidth: 0 }}>
                  <Text strong>{t(link.titleKey)}</Text>
                  <Paragraph type="secondary" style={{ margin: '4px 0 0', fontSize: 13 }}>
                    {t(link.descriptionKey)}
                  </Paragraph>
                </div>
              </Flex>
            </Card>
          </Link>
        ))}
      </div>
    </Card>
  );
}
