import { Flex, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatMinute } from '../../common/format';
import { RoleTags } from '../../common/RoleTags';
import { UserActions } from './UserActions';
import { UserStatusTag } from './UserStatusTag';

interface UserTableProps {
  users: User[];
  loading: boolean;
  canManage: boolean;
  onEdit: (user: User) => void;
  onResetPassword: (user: User) => void;
  onContact: (user: User) => void;
}

const statusRank = (u: User) =>
  u.disabled ? 2 : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? 1 : 0;

export function UserTable({ users, loading, canManage, onEdit, onResetPassword, onContact }: UserTableProps) {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  const collator = new Intl.Collator(english ? 'en' : 'zh-CN');
  const columns: TableColumnsType<User> = [
    {
      title: t('users.user'),
      key: 'user',
      sorter: (a, b) => collator.compare(a.username, b.username),
      defaultSortOrder: 'ascend',
      render: (_, user) => (
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis={{ tooltip: user.displayName }}>
            {user.displayName}
          </Typography.Text>
          <Flex gap={4} align="center" wrap>
            <Typography.Text type="secondary" className="rg-mono">
              {user.username}
            </Typography.Text>
            {user.source !== 'local' && <Tag color="geekblue">{t(`directory.sourceTag.${user.source}`)}</Tag>}
            {user.breakGlass && <Tag color="red">{t('directory.breakGlassTag')}</Tag>}
          </Flex>
        </Flex>
      ),
      width: 220,
    },
    {
      title: t('users.email'),
      dataIndex: 'email',
      ellipsis: { showTitle: true },
      render: (email: string | null) => email ?? '—',
    },
    {
      title: t('users.roles'),
      dataIndex: 'roles',
      render: (roles: string[]) => <RoleTags roles={roles} />,
      width: 240,
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_, user) => <UserStatusTag user={user} />,
      sorter: (a, b) => statusRank(a) - statusRank(b),
      width: 110,
    },
    {
      title: t('users.createdAt'),
      dataIndex: 'createdAt',
      render: formatMinute,
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      width: 150,
    },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      width: english ? 400 : 290,
      render: (_, user) => (
        <UserActions
          user={user}
          onEdit={() => onEdit(user)}
          onResetPassword={() => onResetPassword(user)}
          onContact={() => onContact(user)}
        />
      ),
    });
  }
  return (
    <Table<User>
      rowKey="id"
      columns={columns}
      dataSource={users}
      loading={loading}
      scroll={{ x: english ? 1250 : 1140 }}
      pagination={{
        pageSize: 20,
        hideOnSinglePage: true,
        showTotal: (total) => t('common.total', { count: total }),
      }}
      locale={{ emptyText: t('users.empty') }}
      data-testid="user-table"
    />
  );
}
