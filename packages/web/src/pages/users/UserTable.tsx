import { Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatDateTime } from '../../common/format';
import { RoleTags } from '../../common/RoleTags';
import { UserActions } from './UserActions';
import { UserStatusTag } from './UserStatusTag';

interface UserTableProps {
  users: User[];
  loading: boolean;
  canManage: boolean;
  onEdit: (user: User) => void;
  onResetPassword: (user: User) => void;
}

const statusRank = (u: User) => (u.disabled ? 2 : u.lockedUntil && Date.parse(u.lockedUntil) > Date.now() ? 1 : 0);

export function UserTable({ users, loading, canManage, onEdit, onResetPassword }: UserTableProps) {
  const { t, i18n } = useTranslation();
  const collator = new Intl.Collator(i18n.language === 'en' ? 'en' : 'zh-CN');
  const columns: TableColumnsType<User> = [
    {
      title: t('users.username'),
      dataIndex: 'username',
      sorter: (a, b) => collator.compare(a.username, b.username),
      defaultSortOrder: 'ascend',
      render: (username: string) => <Typography.Text strong>{username}</Typography.Text>,
      width: 160,
    },
    { title: t('users.displayName'), dataIndex: 'displayName', sorter: (a, b) => collator.compare(a.displayName, b.displayName), width: 160 },
    { title: t('users.email'), dataIndex: 'email', ellipsis: true, render: (email: string | null) => email ?? '—' },
    { title: t('users.roles'), dataIndex: 'roles', render: (roles: string[]) => <RoleTags roles={roles} />, width: 280 },
    {
      title: t('users.status'),
      key: 'status',
      render: (_, user) => <UserStatusTag user={user} />,
      sorter: (a, b) => statusRank(a) - statusRank(b),
      width: 100,
    },
    {
      title: t('users.createdAt'),
      dataIndex: 'createdAt',
      render: (v: string) => formatDateTime(v),
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      width: 170,
    },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      width: 260,
      render: (_, user) => <UserActions user={user} onEdit={() => onEdit(user)} onResetPassword={() => onResetPassword(user)} />,
    });
  }
  return (
    <Table<User>
      rowKey="id"
      columns={columns}
      dataSource={users}
      loading={loading}
      scroll={{ x: 1200 }}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showTotal: (total) => t('common.total', { count: total }) }}
      locale={{ emptyText: t('users.empty') }}
      data-testid="user-table"
    />
  );
}
