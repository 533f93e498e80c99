import '../../i18n/zh.people';
import { Flex, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType, TableProps } from 'antd';
import type { QueryOf } from '../../api/routes';
import type { useCursorPages } from '../../common/useCursorPages';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { formatMinute } from '../../common/format';
import { usePhone } from '../../common/usePhone';
import { RoleTags } from '../../common/RoleTags';
import { UserActions } from './UserActions';
import { UserStatusTag } from './UserStatusTag';

/** The columns the table sorts by on the server. */
type UserSortKey = Exclude<NonNullable<QueryOf<'/api/users'>['sort']>, `-${string}`>;

interface UserTableProps extends Pick<TableProps<User>, 'pagination' | 'onChange'> {
  users: User[];
  sortable: ReturnType<typeof useCursorPages>['sortable'];
  loading: boolean;
  canManage: boolean;
  onEdit: (user: User) => void;
  onResetPassword: (user: User) => void;
  onContact: (user: User) => void;
}

/** The users of a page the server answered, sorted and paged by the server. */
export function UserTable({
  users,
  loading,
  canManage,
  onEdit,
  onResetPassword,
  onContact,
  sortable,
  pagination,
  onChange,
}: UserTableProps) {
  const { t, i18n } = useTranslation();
  const english = i18n.language === 'en';
  const phone = usePhone();
  const sorted = (key: UserSortKey, byDefault?: 'ascend') => sortable(key, byDefault);
  const columns: TableColumnsType<User> = [
    {
      title: t('users.user'),
      ...sorted('username', 'ascend'),
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
            {user.breakGlass && (
              <Tooltip title={t('directory.breakGlassTagHelp')}>
                <Tag color="red">{t('directory.breakGlassTag')}</Tag>
              </Tooltip>
            )}
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
      width: 110,
    },
    {
      title: t('users.createdAt'),
      dataIndex: 'createdAt',
      render: formatMinute,
      ...sorted('createdAt'),
      width: 150,
    },
  ];
  if (canManage) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      // Kept in view while the columns scroll on a wide screen; on a phone a pinned column would
      // cover the user it acts on.
      fixed: phone ? undefined : 'right',
      width: english ? 190 : 160,
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
      scroll={{ x: english ? 1100 : 1000 }}
      pagination={pagination}
      onChange={onChange}
      locale={{ emptyText: t('users.empty') }}
      data-testid="user-table"
    />
  );
}
