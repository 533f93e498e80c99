import '../../i18n/zh.people';
import { useState } from 'react';
import type { QueryOf } from '../../api/routes';
import { useCursorPages } from '../../common/useCursorPages';
import { Button, Card, Modal, Space, Tabs, Tag } from 'antd';
import { ImportOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { User } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { ResetPasswordModal } from './ResetPasswordModal';
import { UserFilters } from './UserFilters';
import { UserFormModal } from './UserFormModal';
import { UserTable } from './UserTable';
import { DirectoryPanel } from './DirectoryPanel';
import { ContactsImportModal } from './ContactsImportModal';
import { ContactForm } from '../account/ContactForm';
import { getUserContact, setUserContact, userContactQueryKey } from '../account/contact.api';
import { type UserFilter, useUsers } from './users.api';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'contact'; user: User }
  | { kind: 'import' }
  | null;

/**
 * 用户管理: everyone with user.read sees the list and the directory group mappings; user.manage
 * may change them.
 */
export function UsersPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const canManage = can('user.manage');
  const pages = useCursorPages(['text', 'role', 'status'], {});
  const filter = pages.filter as UserFilter;
  const [dialog, setDialog] = useState<Dialog>(null);
  const users = useUsers(pages.query<QueryOf<'/api/users'>>());

  return (
    <>
      <PageHeader
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        extra={
          canManage ? (
            <Space>
              <Button icon={<ImportOutlined />} onClick={() => setDialog({ kind: 'import' })}>
                {t('contact.import.button')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ kind: 'create' })}>
                {t('users.create')}
              </Button>
            </Space>
          ) : (
            <Tag>{t('users.readOnly')}</Tag>
          )
        }
      />
      <Tabs
        items={[
          {
            key: 'users',
            label: t('directory.usersTab'),
            children: (
              <Card>
                <UserFilters value={filter} onChange={(next) => pages.setFilter({ ...next })} />
                <ErrorAlert error={users.error} style={{ marginBottom: 16 }} />
                <UserTable
                  users={users.data?.items ?? []}
                  loading={users.isFetching}
                  sortable={pages.sortable}
                  {...pages.tableProps(users.data)}
                  canManage={canManage}
                  onEdit={(user) => setDialog({ kind: 'edit', user })}
                  onResetPassword={(user) => setDialog({ kind: 'password', user })}
                  onContact={(user) => setDialog({ kind: 'contact', user })}
                />
              </Card>
            ),
          },
          { key: 'directory', label: t('directory.tab'), children: <DirectoryPanel canManage={canManage} /> },
        ]}
      />
      {dialog?.kind === 'create' && <UserFormModal onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && <UserFormModal user={dialog.user} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'import' && <ContactsImportModal onClose={() => setDialog(null)} />}
      {dialog?.kind === 'contact' && (
        <Modal
          open
          footer={null}
          title={t('contact.editTitle', { name: dialog.user.displayName })}
          onCancel={() => setDialog(null)}
        >
          <ContactForm
            confirms
            queryKey={userContactQueryKey(dialog.user.id)}
            load={() => getUserContact(dialog.user.id)}
            save={(body) => setUserContact(dialog.user.id, body)}
          />
        </Modal>
      )}
      {dialog?.kind === 'password' && (
        <ResetPasswordModal user={dialog.user} onClose={() => setDialog(null)} />
      )}
    </>
  );
}
