import '../../i18n/zh.people';
import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Form,
  Input,
  Popconfirm,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { PlusOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/types';
import { isApiError } from '../../api/client';
import { ErrorAlert } from '../../common/ErrorAlert';
import { showFieldErrors } from '../../common/forms';
import { formatMinute } from '../../common/format';
import { RoleTags } from '../../common/RoleTags';
import { useRoleOptions } from '../../common/roles';
import {
  addGroupRoleMapping,
  directoryQueryKey,
  recheckDirectory,
  removeGroupRoleMapping,
  useDirectoryStatus,
  useGroupRoleMappings,
  type GroupRoleMappingInput,
} from './directory.api';
import { usersQueryKey } from './users.api';
import { useFeedback } from '../../common/feedback';

type Mapping = NonNullable<ReturnType<typeof useGroupRoleMappings>['data']>[number];

/** How directory sign-in is set up here, and the re-check the security administrator may run now. */
function DirectoryStatus({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const status = useDirectoryStatus();
  const recheck = useMutation({
    mutationFn: (confirmRemovals: boolean) => recheckDirectory(confirmRemovals),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: usersQueryKey });
      void message.success(
        t('directory.rechecked', {
          checked: result.checked,
          disabled: result.disabled.length,
          changed: result.rolesChanged.length,
          unchecked: result.unchecked.length,
        }),
      );
    },
  });
  const s = status.data;
  const off = <Typography.Text type="secondary">{t('directory.notConfigured')}</Typography.Text>;
  return (
    <Card
      title={t('directory.statusTitle')}
      extra={
        canManage && (s?.ldap || s?.oidc) ? (
          <Button icon={<SyncOutlined />} onClick={() => recheck.mutate(false)} loading={recheck.isPending}>
            {t('directory.recheckNow')}
          </Button>
        ) : undefined
      }
    >
      <ErrorAlert error={status.error ?? recheck.error} style={{ marginBottom: 16 }} />
      {canManage && isApiError(recheck.error) && recheck.error.reason === 'too_many_removals' && (
        <Button
          danger
          onClick={() => recheck.mutate(true)}
          loading={recheck.isPending}
          style={{ marginBottom: 16 }}
        >
          {t('directory.confirmRemovals')}
        </Button>
      )}
      {s && (
        <Descriptions column={{ xs: 1, md: 2 }} size="small" bordered>
          <Descriptions.Item label="LDAP / AD">
            {s.ldap ? (
              <Flex vertical gap={2}>
                <Typography.Text className="rg-mono">{s.ldap.url}</Typography.Text>
                <Typography.Text type="secondary">
                  {t(`directory.groupMode.${s.ldap.groups}`)}
                  {s.ldap.nestedGroups ? t('directory.nested') : ''}
                </Typography.Text>
              </Flex>
            ) : (
              off
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('directory.oidc')}>
            {s.oidc ? (
              <Flex vertical gap={2}>
                <Typography.Text>{s.oidc.label}</Typography.Text>
                <Typography.Text type="secondary" className="rg-mono">
                  {s.oidc.issuer}
                </Typography.Text>
              </Flex>
            ) : (
              off
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('directory.localSignIn')}>
            {t(`directory.local.${s.localSignIn}`)}
          </Descriptions.Item>
          <Descriptions.Item label={t('directory.breakGlass')}>
            {s.breakGlass ? <Tag color="red">{s.breakGlass}</Tag> : t('directory.noBreakGlass')}
          </Descriptions.Item>
          <Descriptions.Item label={t('directory.recheckEvery')}>
            {t('directory.minutes', { count: s.recheckMinutes })}
          </Descriptions.Item>
          <Descriptions.Item label={t('directory.providerMfa')}>
            {s.trustProviderMfa ? t('directory.providerMfaTrusted') : t('directory.providerMfaNotTrusted')}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** RO-1: a new "members of this group hold this role"; the server refuses what breaks RO-3. */
function AddMapping({ sources }: { sources: ('ldap' | 'oidc')[] }) {
  const { t, i18n } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const { groups } = useRoleOptions();
  const [form] = Form.useForm<GroupRoleMappingInput>();
  const [failure, setFailure] = useState<unknown>(null);
  const add = useMutation({
    mutationFn: addGroupRoleMapping,
    onMutate: () => setFailure(null),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: directoryQueryKey });
      form.resetFields(['group', 'role']);
      void message.success(t('directory.added', { group: saved.group }));
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, i18n.language)) setFailure(error);
    },
  });
  return (
    <>
      <ErrorAlert error={failure} style={{ marginBottom: 16 }} />
      <Form<GroupRoleMappingInput>
        form={form}
        layout="inline"
        initialValues={{ source: sources[0] ?? 'ldap' }}
        onFinish={(v) => add.mutate({ ...v, group: v.group.trim() })}
        style={{ rowGap: 8 }}
      >
        <Form.Item name="source" rules={[{ required: true, message: t('common.required') }]}>
          <Select
            style={{ width: 110 }}
            options={(['ldap', 'oidc'] as const).map((s) => ({
              value: s,
              label: t(`directory.source.${s}`),
            }))}
            aria-label={t('directory.sourceLabel')}
          />
        </Form.Item>
        <Form.Item
          name="group"
          rules={[{ required: true, whitespace: true, message: t('common.required') }]}
          style={{ flex: '1 1 280px' }}
        >
          <Input placeholder={t('directory.groupPlaceholder')} data-testid="mapping-group" />
        </Form.Item>
        <Form.Item name="role" rules={[{ required: true, message: t('common.required') }]}>
          <Select<Role>
            style={{ width: 200 }}
            options={groups}
            placeholder={t('directory.rolePlaceholder')}
            showSearch={{ optionFilterProp: 'label' }}
            data-testid="mapping-role"
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={add.isPending}>
            {t('directory.add')}
          </Button>
        </Form.Item>
      </Form>
    </>
  );
}

/**
 * 目录与角色映射: which directory groups give which roles (RO-1), kept by the security
 * administrator and applied at every sign-in and re-check; separation of duties (RO-3) holds on
 * the result. Everyone with user.read sees it.
 */
export function DirectoryPanel({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const status = useDirectoryStatus();
  const mappings = useGroupRoleMappings();
  const remove = useMutation({
    mutationFn: removeGroupRoleMapping,
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: directoryQueryKey });
      void message.success(t('directory.removed'));
    },
  });
  const sources = [status.data?.ldap && 'ldap', status.data?.oidc && 'oidc'].filter(Boolean) as (
    'ldap' | 'oidc'
  )[];
  const columns: TableColumnsType<Mapping> = [
    {
      title: t('directory.sourceLabel'),
      dataIndex: 'source',
      width: 90,
      filters: (['ldap', 'oidc'] as const).map((s) => ({ text: t(`directory.source.${s}`), value: s })),
      onFilter: (value, m) => m.source === value,
      render: (source: 'ldap' | 'oidc') => <Tag>{t(`directory.source.${source}`)}</Tag>,
    },
    {
      title: t('directory.group'),
      dataIndex: 'group',
      sorter: (a, b) => a.group.localeCompare(b.group),
      render: (group: string) => (
        <Typography.Text className="rg-mono" style={{ wordBreak: 'break-all' }}>
          {group}
        </Typography.Text>
      ),
    },
    {
      title: t('directory.role'),
      dataIndex: 'role',
      width: 180,
      render: (role: string) => <RoleTags roles={[role]} />,
    },
    {
      title: t('directory.addedBy'),
      key: 'added',
      width: 170,
      responsive: ['md'],
      render: (_, m) => (
        <Flex vertical>
          <Typography.Text>{m.createdBy}</Typography.Text>
          <Typography.Text type="secondary">{formatMinute(m.createdAt)}</Typography.Text>
        </Flex>
      ),
    },
  ];
  if (canManage)
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, m) => (
        <Popconfirm
          title={t('directory.removeConfirm', { group: m.group })}
          okText={t('directory.remove')}
          cancelText={t('common.cancel')}
          okButtonProps={{ danger: true }}
          onConfirm={() => remove.mutate(m.id)}
        >
          <Button type="link" size="small" danger>
            {t('directory.remove')}
          </Button>
        </Popconfirm>
      ),
    });

  return (
    <Flex vertical gap={16}>
      <DirectoryStatus canManage={canManage} />
      <Card title={t('directory.mappingsTitle')}>
        <Alert type="info" showIcon title={t('directory.mappingsHelp')} style={{ marginBottom: 16 }} />
        {canManage && <AddMapping sources={sources} />}
        <ErrorAlert error={mappings.error ?? remove.error} style={{ margin: '16px 0' }} />
        <Table<Mapping>
          rowKey="id"
          columns={columns}
          dataSource={mappings.data ?? []}
          loading={mappings.isFetching}
          style={{ marginTop: 16 }}
          scroll={{ x: 640 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: t('directory.empty') }}
          data-testid="mapping-table"
        />
      </Card>
    </Flex>
  );
}
