import { Flex, Tag } from 'antd';
import { Text } from './Text';
import { useTranslation } from 'react-i18next';

const ADMINISTRATOR_COLORS: Record<string, string> = {
  system_administrator: 'volcano',
  security_administrator: 'red',
  auditor: 'purple',
};

/** Role names in the user's language; the three system roles stand out in their own colours. */
export function RoleTags({ roles }: { roles: readonly string[] }) {
  const { t } = useTranslation();
  if (roles.length === 0) return <Text type="secondary">{t('common.none')}</Text>;
  return (
    <Flex gap={4} wrap>
      {roles.map((role) => (
        <Tag key={role} color={ADMINISTRATOR_COLORS[role] ?? 'blue'} style={{ marginInlineEnd: 0 }}>
          {t(`roles.${role}`, { defaultValue: role })}
        </Tag>
      ))}
    </Flex>
  );
}
