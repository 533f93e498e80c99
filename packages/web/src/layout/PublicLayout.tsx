import type { ReactNode } from 'react';
import { Card, Flex, Typography } from 'antd';
import { Brand } from './Brand';
import { LanguageSwitch } from './LanguageSwitch';

/** Sign-in and setup: one centred card, the product mark and the language switch. */
export function PublicLayout({
  title,
  subtitle,
  children,
  width = 420,
}: {
  title?: string;
  subtitle?: ReactNode;
  children: ReactNode;
  width?: number;
}) {
  return (
    <Flex
      vertical
      style={{
        minHeight: '100vh',
        background: 'linear-gradient(160deg, #0f1f3d 0%, #1f5fd1 55%, #eef3fb 55.1%)',
      }}
    >
      <Flex justify="space-between" align="center" style={{ padding: '16px 32px' }}>
        <Brand dark />
        <LanguageSwitch />
      </Flex>
      <Flex flex={1} align="flex-start" justify="center" style={{ padding: '48px 16px' }}>
        <Card
          style={{ width, maxWidth: '100%', boxShadow: '0 12px 40px rgba(15, 31, 61, 0.18)' }}
          styles={{ body: { padding: 32 } }}
        >
          {title && (
            <Typography.Title level={3} style={{ marginTop: 0, marginBottom: subtitle ? 4 : 24 }}>
              {title}
            </Typography.Title>
          )}
          {subtitle && (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 24 }}>
              {subtitle}
            </Typography.Paragraph>
          )}
          {children}
        </Card>
      </Flex>
    </Flex>
  );
}
