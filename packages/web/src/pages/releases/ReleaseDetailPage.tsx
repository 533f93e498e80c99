import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Breadcrumb, Card, Flex, Tabs, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { ReleaseActionBar } from './ActionButton';
import { AssessmentTab } from './assessment/AssessmentTab';
import { AuditTab } from './AuditTab';
import { LinkedArticles } from '../knowledge/LinkedArticles';
import { OverviewTab } from './OverviewTab';
import { PlanTab } from './plan/PlanTab';
import { ReleaseActionsProvider } from './ReleaseActionsProvider';
import { ReleaseStateTag, ReleaseTypeTag } from './ReleaseTags';
import { ReleaseSteps } from './ReleaseSteps';
import { getRelease, releaseQueryKey } from './releases.api';
import { DetailQuery } from '../../common/DetailQuery';

const TABS = ['overview', 'assessment', 'plan', 'knowledge', 'audit'] as const;
type TabKey = (typeof TABS)[number];

/** 发布详情: the lifecycle bar, the actions the server offers this user, and the release in tabs. */
export function ReleaseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const release = useQuery({ queryKey: releaseQueryKey(id), queryFn: () => getRelease(id) });
  return (
    <DetailQuery
      query={release}
      notFound={{ title: t('releases.notFound'), backTo: '/releases', backText: t('releases.backToList') }}
    >
      {(data) => <ReleaseView release={data} />}
    </DetailQuery>
  );
}

function ReleaseView({ release: r }: { release: ReleaseDetail }) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const [actionError, setActionError] = useState<unknown>(null);
  const tab: TabKey = (TABS as readonly string[]).includes(params.get('tab') ?? '')
    ? (params.get('tab') as TabKey)
    : 'overview';
  const open = (key: TabKey) => setParams({ tab: key }, { replace: true });

  return (
    <ReleaseActionsProvider release={r} onEditPlan={() => open('plan')} onError={setActionError}>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={[{ title: <Link to="/releases">{t('nav.releases')}</Link> }, { title: r.number }]}
      />
      <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
        <div style={{ minWidth: 0, flex: '1 1 420px' }}>
          <Flex align="center" gap={8} wrap>
            <Typography.Title level={3} style={{ margin: 0 }} data-testid="release-title">
              <span className="rg-mono" style={{ fontSize: 20 }}>
                {r.number}
              </span>{' '}
              {r.title}
            </Typography.Title>
            <ReleaseStateTag state={r.state} outcome={r.outcome} testId="release-state" />
            <ReleaseTypeTag type={r.type} proposal={r.proposal.type} testId="release-type" />
          </Flex>
          <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
            {t('releases.fields.requestedBy')} {r.requestedBy} · {formatMinute(r.createdAt)}
          </Typography.Paragraph>
        </div>
        <ReleaseActionBar />
      </Flex>

      <Card size="small" style={{ marginBottom: 16 }}>
        <ReleaseSteps release={r} />
      </Card>
      <ErrorAlert error={actionError} style={{ marginBottom: 16 }} />

      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => open(key as TabKey)}
          destroyOnHidden
          items={[
            { key: 'overview', label: t('releases.tabs.overview'), children: <OverviewTab release={r} /> },
            {
              key: 'assessment',
              label: t('releases.tabs.assessment'),
              children: <AssessmentTab release={r} />,
            },
            { key: 'plan', label: t('releases.tabs.plan'), children: <PlanTab release={r} /> },
            {
              key: 'knowledge',
              label: t('releases.tabs.knowledge'),
              children: <LinkedArticles releaseId={r.id} />,
            },
            { key: 'audit', label: t('releases.tabs.audit'), children: <AuditTab releaseId={r.id} /> },
          ]}
        />
      </Card>
    </ReleaseActionsProvider>
  );
}
