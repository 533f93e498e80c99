import '../../i18n/zh.cmdb';
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Breadcrumb, Button, Card, Descriptions, Flex, Tabs, Typography } from 'antd';
import { EditOutlined, StopOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { CiDetail } from '../../api/types';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../common/format';
import { useCiFieldText } from './ciFields';
import { CiFormDrawer } from './CiFormDrawer';
import { CiStatusTag, CriticalTag, EnvironmentTag } from './CiTags';
import { cmdbQueryKey, retireCi, useCi } from './cmdb.api';
import { HistoryTab } from './HistoryTab';
import { LinkedArticles } from '../knowledge/LinkedArticles';
import { ImpactTab } from './ImpactTab';
import { ReasonModal } from '../../common/ReasonModal';
import { RelationsTab } from './RelationsTab';
import { useCiTypes, useLocalized } from './useCiTypes';
import { DetailQuery } from '../../common/DetailQuery';
import { useFeedback } from '../../common/feedback';

const TABS = ['relations', 'impact', 'history', 'knowledge'] as const;
type TabKey = (typeof TABS)[number];

/** 配置项详情: the CI's fields and attributes; relations, impact analysis and history in tabs. */
export function CiDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const ci = useCi(id);
  return (
    <DetailQuery
      query={ci}
      notFound={{ title: t('cmdb.ciNotFound'), backTo: '/cmdb', backText: t('cmdb.backToList') }}
    >
      {(data) => <CiDetailView ci={data} canWrite={can('cmdb.write')} />}
    </DetailQuery>
  );
}

function CiDetailView({ ci, canWrite }: { ci: CiDetail; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = useFeedback();
  const queryClient = useQueryClient();
  const localized = useLocalized();
  const types = useCiTypes();
  const fieldText = useCiFieldText();
  const [params, setParams] = useSearchParams();
  const [dialog, setDialog] = useState<'edit' | 'retire' | null>(null);
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as TabKey)
    : 'relations';
  const type = types.byKey.get(ci.type);
  const active = ci.status === 'active';

  const declared = new Set(type?.fields.map((f) => f.key) ?? []);
  const attributeItems = [
    ...(type?.fields ?? []).map((f) => ({
      key: f.key,
      label: localized(f.label),
      children: fieldText.value(`attributes.${f.key}`, ci.attributes[f.key]),
    })),
    ...Object.keys(ci.attributes)
      .filter((k) => !declared.has(k))
      .map((k) => ({ key: k, label: k, children: fieldText.value(k, ci.attributes[k]) })),
  ];

  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/cmdb">{t('nav.cis')}</Link> }, { title: ci.name }]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0, flex: '1 1 360px' }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="ci-title">
              {ci.name}
            </Typography.Title>
            <EnvironmentTag environment={ci.environment} />
            <CriticalTag critical={ci.critical} />
            <CiStatusTag status={ci.status} />
          </Flex>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            {types.typeName(ci.type)}
            {ci.version && ` · ${t('cmdb.fields.version')} ${ci.version}`}
            {` · ${t('cmdb.revisionN', { revision: ci.revision })}`}
          </Typography.Paragraph>
        </div>
        {canWrite && active && (
          <Flex gap={8}>
            <Button icon={<EditOutlined />} onClick={() => setDialog('edit')} data-testid="ci-edit">
              {t('common.edit')}
            </Button>
            <Button
              danger
              icon={<StopOutlined />}
              onClick={() => setDialog('retire')}
              data-testid="ci-retire"
            >
              {t('cmdb.retire')}
            </Button>
          </Flex>
        )}
      </Flex>

      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2, xl: 3 }}
          styles={{ label: { width: 110 } }}
          data-testid="ci-fields"
          items={[
            { key: 'type', label: t('cmdb.fields.type'), children: types.typeName(ci.type) },
            {
              key: 'environment',
              label: t('cmdb.fields.environment'),
              children: <EnvironmentTag environment={ci.environment} />,
            },
            { key: 'owner', label: t('cmdb.fields.owner'), children: ci.owner ?? '—' },
            {
              key: 'version',
              label: t('cmdb.fields.version'),
              children: ci.version ? <span className="rg-mono">{ci.version}</span> : '—',
            },
            {
              key: 'critical',
              label: t('cmdb.fields.critical'),
              children: ci.critical ? <CriticalTag critical /> : t('cmdb.notCritical'),
            },
            { key: 'status', label: t('cmdb.fields.status'), children: <CiStatusTag status={ci.status} /> },
            { key: 'revision', label: t('cmdb.fields.revision'), children: ci.revision },
            { key: 'createdAt', label: t('cmdb.fields.createdAt'), children: formatDateTime(ci.createdAt) },
            { key: 'updatedAt', label: t('cmdb.fields.updatedAt'), children: formatDateTime(ci.updatedAt) },
            ...(ci.retiredAt
              ? [
                  {
                    key: 'retiredAt',
                    label: t('cmdb.fields.retiredAt'),
                    children: formatDateTime(ci.retiredAt),
                  },
                ]
              : []),
            {
              key: 'description',
              label: t('cmdb.fields.description'),
              children: ci.description ?? '—',
              span: { xs: 1, md: 2, xl: 3 },
            },
          ]}
        />
        {attributeItems.length > 0 && (
          <Descriptions
            size="small"
            bordered
            styles={{ label: { width: 110 } }}
            title={t('cmdb.attributesOf', { type: types.typeName(ci.type) })}
            column={{ xs: 1, md: 2, xl: 3 }}
            style={{ marginTop: 16 }}
            items={attributeItems}
            data-testid="ci-attributes"
          />
        )}
      </Card>

      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => setParams({ tab: key }, { replace: true })}
          destroyOnHidden
          items={[
            {
              key: 'relations',
              label: t('cmdb.tabs.relations', { n: ci.relations.length }),
              children: <RelationsTab ci={ci} canWrite={canWrite} />,
            },
            { key: 'impact', label: t('cmdb.tabs.impact'), children: <ImpactTab ciId={ci.id} /> },
            { key: 'history', label: t('cmdb.tabs.history'), children: <HistoryTab ci={ci} /> },
            { key: 'knowledge', label: t('nav.knowledge'), children: <LinkedArticles ciId={ci.id} /> },
          ]}
        />
      </Card>

      {dialog === 'edit' && <CiFormDrawer ci={ci} onClose={() => setDialog(null)} />}
      {dialog === 'retire' && (
        <ReasonModal
          title={t('cmdb.retireTitle', { name: ci.name })}
          warning={t('cmdb.retireWarning')}
          okText={t('cmdb.retire')}
          label={t('cmdb.retireReason')}
          onClose={() => setDialog(null)}
          onSubmit={async (reason) => {
            await retireCi(ci.id, reason);
            void queryClient.invalidateQueries({ queryKey: cmdbQueryKey });
            void message.success(t('cmdb.retired', { name: ci.name }));
          }}
          testId="retire-ci-modal"
        />
      )}
    </>
  );
}
