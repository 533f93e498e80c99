import { Card, Flex, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { permissionLabel } from '../../common/permissions';

/** Every permission the user's roles grant, by name, with the code on hover. */
export function PermissionList() {
  const { t } = useTranslation();
  const { session } = useAuth();
  const permissions = session.user.permissions;
  if (permissions.length === 0) return null;
  return (
    <Card title={t('home.permissionCount', { count: permissions.length })} className="rg-later">
      <Flex gap={6} wrap>
        {permissions.map((p) => (
          <Tooltip key={p} title={p}>
            <Tag style={{ marginInlineEnd: 0 }}>{permissionLabel(t, p)}</Tag>
          </Tooltip>
        ))}
      </Flex>
    </Card>
  );
}
