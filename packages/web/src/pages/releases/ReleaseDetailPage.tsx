import { Suspense, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { Card, Flex, Spin, Tabs } from 'antd';
import { Breadcrumbs } from '../../common/Breadcrumbs';
import { usePhone } from '../../common/usePhone';
import { TabsMenu } from '../../common/TabsMenu';
import { useTranslation } from 'react-i18next';
import type { ReleaseDetail } from '../../api/types';
import { ErrorAlert } from '../../common/ErrorAlert';
import { formatMinute } from '../../common/format';
import { ReleaseActionBar } from './ActionButton';
import { ReleaseActionsProvider } from './ReleaseActionsProvider';
import { PLAN_ACTIONS, RELEASE_TABS, type ReleaseTab } from './releaseActions';
import { lazyNamed } from '../../common/lazyNamed';
import { PendingTriggersBanner } from './execution/PendingTriggersBanner';
import { afterReleaseTabShown } from './postrelease/afterReleaseTabs';
import { LiveIndicator } from './execution/LiveIndicator';
import { LiveStatusContext, useReleaseLive } from './execution/useReleaseLive';
import { ReleaseStateTag, ReleaseTypeTag } from './ReleaseTags';
import { ReleaseSteps } from './ReleaseSteps';
import { useRelease } from './releases.api';
import { DetailQuery } from '../../common/DetailQuery';
import { PersonName } from '../../common/people';
import { ReleaseReferencesProvider } from './ReleaseReferences';
import { Text, Title3 } from '../../common/Text';

// Each tab is fetched when first opened (issue #18): a deep link to the rollback decision loads
// the rollback tab, not the plan editor, the assessments or the audit table — nor the overview's
// tables, once nothing else on that way needs antd's Table.
const OverviewTab = lazyNamed(() => import('./OverviewTab'), 'OverviewTab');
const AssessmentTab = lazyNamed(() => import('./assessment/AssessmentTab'), 'AssessmentTab');
const AuditTab = lazyNamed(() => import('./AuditTab'), 'AuditTab');
const LinkedArticles = lazyNamed(() => import('../knowledge/LinkedArticles'), 'LinkedArticles');
const PlanTab = lazyNamed(() => import('./plan/PlanTab'), 'PlanTab');
const VerificationTab = lazyNamed(() => import('./execution/VerificationTab'), 'VerificationTab');
const ImplementationTab = lazyNamed(() => import('./execution/ImplementationTab'), 'ImplementationTab');
const MonitoringTab = lazyNamed(() => import('./execution/MonitoringTab'), 'MonitoringTab');
const RollbackTab = lazyNamed(() => import('./execution/RollbackTab'), 'RollbackTab');
const PostReleaseTab = lazyNamed(() => import('./postrelease/PostReleaseTab'), 'PostReleaseTab');
const CloseTab = lazyNamed(() => import('./postrelease/CloseTab'), 'CloseTab');

/** Before the plan is approved there is nothing to verify, run, watch or roll back. */
const PLANNING_STATES: readonly string[] = ['requested', 'planning', 'plan_review'];
const EXECUTION_TABS: readonly ReleaseTab[] = ['verification', 'implementation', 'monitoring', 'rollback'];

/** 发布详情: the lifecycle bar, the actions the server offers this user, and the release in tabs. */
export function ReleaseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const release = useRelease(id);
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
  const live = useReleaseLive(r.id);
  const narrow = usePhone();
  // A cancelled or rejected release closed before its plan was approved never ran.
  const executed =
    !PLANNING_STATES.includes(r.state) &&
    !(r.state === 'closed' && (r.outcome === 'rejected' || (r.outcome === 'cancelled' && !r.plan)));
  const tabs = RELEASE_TABS.filter((k) => executed || !EXECUTION_TABS.includes(k)).filter((k) =>
    afterReleaseTabShown(k, r),
  );
  const asked = params.get('tab') as ReleaseTab | null;
  const tab: ReleaseTab = asked && tabs.includes(asked) ? asked : 'overview';
  const open = (key: ReleaseTab) => setParams({ tab: key }, { replace: true });
  const content: Record<ReleaseTab, React.ReactNode> = {
    overview: <OverviewTab release={r} />,
    assessment: <AssessmentTab release={r} />,
    plan: <PlanTab release={r} />,
    verification: <VerificationTab release={r} />,
    implementation: <ImplementationTab release={r} />,
    monitoring: <MonitoringTab release={r} />,
    rollback: <RollbackTab release={r} />,
    postrelease: <PostReleaseTab release={r} />,
    close: <CloseTab release={r} />,
    knowledge: <LinkedArticles releaseId={r.id} />,
    audit: <AuditTab releaseId={r.id} />,
  };

  return (
    <LiveStatusContext.Provider value={live}>
      <ReleaseReferencesProvider releaseId={r.id}>
        <ReleaseActionsProvider release={r} onOpenTab={open} onError={setActionError}>
          <Breadcrumbs
            style={{ marginBottom: 12 }}
            items={[
              <Link key="list" to="/releases" style={{ color: 'inherit' }}>
                {t('nav.releases')}
              </Link>,
              r.number,
            ]}
          />
          <Flex justify="space-between" align="flex-start" gap={16} wrap style={{ marginBottom: 16 }}>
            <div style={{ minWidth: 0, flex: '1 1 420px' }}>
              <Flex align="center" gap={8} wrap>
                <Title3 style={{ margin: 0 }} data-testid="release-title">
                  <span className="rg-mono" style={{ fontSize: 20 }}>
                    {r.number}
                  </span>{' '}
                  {r.title}
                </Title3>
                <ReleaseStateTag state={r.state} outcome={r.outcome} testId="release-state" />
                <ReleaseTypeTag type={r.type} proposal={r.proposal.type} testId="release-type" />
              </Flex>
              <Flex gap={12} align="center" style={{ marginTop: 4 }}>
                <Text type="secondary">
                  {t('releases.fields.requestedBy')} <PersonName username={r.requestedBy} /> ·{' '}
                  {formatMinute(r.createdAt)}
                </Text>
                <LiveIndicator />
              </Flex>
            </div>
            {/* On a phone the plan tab shows the plan's actions full-width itself: not twice. */}
            <ReleaseActionBar except={narrow && tab === 'plan' ? PLAN_ACTIONS : undefined} />
          </Flex>

          <Card size="small" style={{ marginBottom: 16 }}>
            <ReleaseSteps release={r} />
          </Card>
          <ErrorAlert error={actionError} style={{ marginBottom: 16 }} />
          {executed && tab !== 'rollback' && (
            <PendingTriggersBanner release={r} onOpen={() => open('rollback')} />
          )}

          <Card styles={narrow ? { body: { padding: 12 } } : undefined}>
            <Tabs
              activeKey={tab}
              onChange={(key) => open(key as ReleaseTab)}
              destroyOnHidden
              tabBarExtraContent={
                narrow
                  ? {
                      right: (
                        <TabsMenu
                          tabs={tabs.map((key) => ({ key, label: t(`releases.tabs.${key}`) }))}
                          activeKey={tab}
                          onSelect={(key) => open(key as ReleaseTab)}
                          label={t('releases.allTabs')}
                        />
                      ),
                    }
                  : undefined
              }
              items={tabs.map((key) => ({
                key,
                label: t(`releases.tabs.${key}`),
                children: (
                  <Suspense fallback={<Spin style={{ display: 'block', margin: 24 }} />}>
                    {content[key]}
                  </Suspense>
                ),
              }))}
            />
          </Card>
        </ReleaseActionsProvider>
      </ReleaseReferencesProvider>
    </LiveStatusContext.Provider>
  );
}
