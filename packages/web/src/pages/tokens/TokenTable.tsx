import '../../i18n/zh.tokens';
import { Button, Flex, Popconfirm, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ApiToken } from '../../api/types';
import { useErrorText } from '../../common/errors';
import { formatDate, formatMinute } from '../../common/format';
import { permissionLabel } from '../../common/permissions';
import { revokeToken, tokensQueryKey } from './tokens.api';
import { TokenStateTag } from './TokenStateTag';
import { useFeedback } from '../../common/feedback';

export function TokenTable({
  tokens,
  loading,
  showOwner,
}: {
  tokens: ApiToken[];
  loading: boolean;
  showOwner: boolean;
}) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const errorText = useErrorText();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => revokeToken(token.id),
    onSuccess: (token) => {
      void queryClient.invalidateQueries({ queryKey: tokensQueryKey });
      void message.success(t('tokens.revoked', { name: token.name }));
    },
    onError: (error) => void message.error(errorText(error)),
  });

  const nowrap = (text: string) => <span style={{ whiteSpace: 'nowrap' }}>{text}</span>;
  const columns: TableColumnsType<ApiToken> = [
    {
      title: t('tokens.name'),
      key: 'name',
      width: 200,
      render: (_, token) => (
        <Flex vertical align="flex-start" style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis={{ tooltip: token.name }} style={{ maxWidth: '100%' }}>
            {token.name}
          </Typography.Text>
          <Typography.Text type="secondary" className="rg-mono">
            {token.prefix}…
          </Typography.Text>
        </Flex>
      ),
    },
    ...(showOwner ? [{ title: t('tokens.owner'), dataIndex: 'username', width: 120 }] : []),
    {
      title: t('tokens.scopes'),
      dataIndex: 'scopes',
      render: (scopes: string[]) => (
        <Flex gap={4} wrap>
          {scopes.map((s) => (
            <Tooltip key={s} title={s}>
              <Tag style={{ marginInlineEnd: 0 }}>{permissionLabel(t, s)}</Tag>
            </Tooltip>
          ))}
        </Flex>
      ),
    },
    {
      title: t('tokens.state'),
      dataIndex: 'state',
      render: (s: ApiToken['state']) => <TokenStateTag state={s} />,
      width: 100,
    },
    {
      title: t('tokens.validity'),
      key: 'validity',
      width: 210,
      sorter: (a, b) => a.createdAt.localeCompare(b.createdAt),
      defaultSortOrder: 'descend',
      render: (_, token) => (
        <Tooltip title={`${formatMinute(token.createdAt)} → ${formatMinute(token.expiresAt)}`}>
          {nowrap(`${formatDate(token.createdAt)} → ${formatDate(token.expiresAt)}`)}
        </Tooltip>
      ),
    },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      render: (v: string | null) => nowrap(v ? formatMinute(v) : t('common.never')),
      width: 150,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 90,
      render: (_, token) =>
        token.state === 'active' ? (
          <Popconfirm
            title={t('tokens.revokeConfirm', { name: token.name })}
            okText={t('tokens.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke.mutate(token)}
          >
            <Button
              type="link"
              size="small"
              danger
              loading={revoke.isPending && revoke.variables.id === token.id}
            >
              {t('tokens.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  return (
    <Table<ApiToken>
      rowKey="id"
      columns={columns}
      dataSource={tokens}
      loading={loading}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      locale={{ emptyText: t('tokens.empty') }}
      data-testid="token-table"
    />
  );
}
