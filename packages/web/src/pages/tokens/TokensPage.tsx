import '../../i18n/zh.tokens';
import { useState } from 'react';
import { Button, Card, Flex, Select } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CreatedToken } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { ErrorAlert } from '../../common/ErrorAlert';
import { PageHeader } from '../../common/PageHeader';
import { CreateTokenModal } from './CreateTokenModal';
import { PipelineClientCard } from './PipelineClientCard';
import { TokenSecretModal } from './TokenSecretModal';
import { TokenTable } from './TokenTable';
import { useTokens } from './tokens.api';
import { useOwnerOptions } from './useOwnerOptions';

/** API 令牌: token.manage sees and issues everyone's, token.own only one's own. */
export function TokensPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const manageAll = can('token.manage');
  const [ownerFilter, setOwnerFilter] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const { owners } = useOwnerOptions(manageAll);
  const tokens = useTokens(ownerFilter);

  return (
    <>
      <PageHeader
        title={t('tokens.title')}
        subtitle={manageAll ? t('tokens.subtitleAll') : t('tokens.subtitleOwn')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('tokens.create')}
          </Button>
        }
      />
      <Card>
        {manageAll && (
          <Flex gap={12} style={{ marginBottom: 16 }}>
            <Select<string>
              allowClear
              placeholder={t('tokens.owner')}
              value={ownerFilter}
              onChange={setOwnerFilter}
              showSearch={{ optionFilterProp: 'label' }}
              options={owners.map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
              style={{ width: 260 }}
              aria-label={t('tokens.owner')}
            />
          </Flex>
        )}
        <ErrorAlert error={tokens.error} style={{ marginBottom: 16 }} />
        <TokenTable tokens={tokens.data ?? []} loading={tokens.isFetching} showOwner={manageAll} />
      </Card>
      <PipelineClientCard />
      {creating && (
        <CreateTokenModal
          manageAll={manageAll}
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
          }}
        />
      )}
      {created && <TokenSecretModal token={created} onClose={() => setCreated(null)} />}
    </>
  );
}
