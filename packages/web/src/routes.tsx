import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { RequirePermission } from './auth/RequirePermission';
import { FullPageSpin } from './common/FullPageSpin';
import { AppLayout } from './layout/AppLayout';
import { ChangePasswordPage } from './pages/account/ChangePasswordPage';
import { TwoStepPage } from './pages/account/TwoStepPage';
import { ContactPage } from './pages/account/ContactPage';
import { AuditPage } from './pages/audit/AuditPage';
import { NotFoundPage } from './pages/errors/NotFoundPage';
import { HomePage } from './pages/home/HomePage';
import { LoginPage } from './pages/login/LoginPage';
import { SetupPage } from './pages/setup/SetupPage';
import { TokensPage } from './pages/tokens/TokensPage';
import { UsersPage } from './pages/users/UsersPage';

/** A page loaded on first visit (the CMDB's graph library stays out of the first download). */
function page<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const CiListPage = page(() => import('./pages/cmdb/CiListPage'), 'CiListPage');
const CiDetailPage = page(() => import('./pages/cmdb/CiDetailPage'), 'CiDetailPage');
const BaselinesPage = page(() => import('./pages/cmdb/baselines/BaselinesPage'), 'BaselinesPage');
const BaselineDetailPage = page(
  () => import('./pages/cmdb/baselines/BaselineDetailPage'),
  'BaselineDetailPage',
);
const ImportPage = page(() => import('./pages/cmdb/transfer/ImportPage'), 'ImportPage');
const DslPage = page(() => import('./pages/dsl/DslPage'), 'DslPage');
const DslVersionPage = page(() => import('./pages/dsl/DslVersionPage'), 'DslVersionPage');
const ChangeListPage = page(() => import('./pages/changes/ChangeListPage'), 'ChangeListPage');
const ChangeDetailPage = page(() => import('./pages/changes/ChangeDetailPage'), 'ChangeDetailPage');
const ReleaseListPage = page(() => import('./pages/releases/ReleaseListPage'), 'ReleaseListPage');
const ReleaseRequestPage = page(() => import('./pages/releases/ReleaseRequestPage'), 'ReleaseRequestPage');
const ReleaseDetailPage = page(() => import('./pages/releases/ReleaseDetailPage'), 'ReleaseDetailPage');
const CalendarPage = page(() => import('./pages/calendar/CalendarPage'), 'CalendarPage');
const PolicyPage = page(() => import('./pages/policy/PolicyPage'), 'PolicyPage');
const MeasuresPage = page(() => import('./pages/measures/MeasuresPage'), 'MeasuresPage');
const KnowledgeSearchPage = page(
  () => import('./pages/knowledge/KnowledgeSearchPage'),
  'KnowledgeSearchPage',
);
const KnowledgeArticlePage = page(
  () => import('./pages/knowledge/KnowledgeArticlePage'),
  'KnowledgeArticlePage',
);
const KnowledgeEditorPage = page(
  () => import('./pages/knowledge/KnowledgeEditorPage'),
  'KnowledgeEditorPage',
);
const NotificationPreferencesPage = page(
  () => import('./pages/notifications/NotificationPreferencesPage'),
  'NotificationPreferencesPage',
);
const WebhooksPage = page(() => import('./pages/notifications/WebhooksPage'), 'WebhooksPage');

function Guarded({ any, children }: { any: readonly string[]; children: ReactNode }) {
  return (
    <RequirePermission any={any}>
      <Suspense fallback={<FullPageSpin />}>{children}</Suspense>
    </RequirePermission>
  );
}

const CMDB = ['cmdb.read'] as const;
const DSL = ['dsl.read'] as const;
const RELEASES = ['release.read'] as const;
const CHANGES = ['change.read'] as const;
const POLICY = ['policy.read'] as const;

/** Public pages, then everything behind a session inside the product layout. */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/setup" element={<SetupPage />} />
      <Route element={<RequireAuth />}>
        <Route element={<AppLayout />}>
          <Route index element={<HomePage />} />
          <Route
            path="releases"
            element={
              <Guarded any={RELEASES}>
                <ReleaseListPage />
              </Guarded>
            }
          />
          <Route
            path="releases/new"
            element={
              <Guarded any={['release.request']}>
                <ReleaseRequestPage />
              </Guarded>
            }
          />
          <Route
            path="releases/:id"
            element={
              <Guarded any={RELEASES}>
                <ReleaseDetailPage />
              </Guarded>
            }
          />
          <Route
            path="calendar"
            element={
              <Guarded any={RELEASES}>
                <CalendarPage />
              </Guarded>
            }
          />
          <Route
            path="measures"
            element={
              <Guarded any={['measures.read']}>
                <MeasuresPage />
              </Guarded>
            }
          />
          <Route
            path="knowledge"
            element={
              <Guarded any={['knowledge.read']}>
                <KnowledgeSearchPage />
              </Guarded>
            }
          />
          <Route
            path="knowledge/new"
            element={
              <Guarded any={['knowledge.write']}>
                <KnowledgeEditorPage />
              </Guarded>
            }
          />
          <Route
            path="knowledge/:id"
            element={
              <Guarded any={['knowledge.read']}>
                <KnowledgeArticlePage />
              </Guarded>
            }
          />
          <Route
            path="knowledge/:id/edit"
            element={
              <Guarded any={['knowledge.write']}>
                <KnowledgeEditorPage />
              </Guarded>
            }
          />
          <Route
            path="changes"
            element={
              <Guarded any={CHANGES}>
                <ChangeListPage />
              </Guarded>
            }
          />
          <Route
            path="changes/:id"
            element={
              <Guarded any={CHANGES}>
                <ChangeDetailPage />
              </Guarded>
            }
          />
          <Route
            path="policy"
            element={
              <Guarded any={POLICY}>
                <PolicyPage />
              </Guarded>
            }
          />
          <Route
            path="admin/users"
            element={
              <RequirePermission any={['user.read', 'user.manage']}>
                <UsersPage />
              </RequirePermission>
            }
          />
          <Route
            path="admin/tokens"
            element={
              <RequirePermission any={['token.manage', 'token.own']}>
                <TokensPage />
              </RequirePermission>
            }
          />
          <Route
            path="audit"
            element={
              <RequirePermission any={['audit.read']}>
                <AuditPage />
              </RequirePermission>
            }
          />
          <Route
            path="cmdb"
            element={
              <Guarded any={CMDB}>
                <CiListPage />
              </Guarded>
            }
          />
          <Route
            path="cmdb/cis/:id"
            element={
              <Guarded any={CMDB}>
                <CiDetailPage />
              </Guarded>
            }
          />
          <Route
            path="cmdb/baselines"
            element={
              <Guarded any={CMDB}>
                <BaselinesPage />
              </Guarded>
            }
          />
          <Route
            path="cmdb/baselines/:id"
            element={
              <Guarded any={CMDB}>
                <BaselineDetailPage />
              </Guarded>
            }
          />
          <Route
            path="cmdb/import"
            element={
              <Guarded any={CMDB}>
                <ImportPage />
              </Guarded>
            }
          />
          <Route
            path="dsl"
            element={
              <Guarded any={DSL}>
                <DslPage />
              </Guarded>
            }
          />
          <Route
            path="dsl/versions/:id"
            element={
              <Guarded any={DSL}>
                <DslVersionPage />
              </Guarded>
            }
          />
          <Route
            path="admin/notifications"
            element={
              <Guarded any={['notifications.manage']}>
                <WebhooksPage />
              </Guarded>
            }
          />
          <Route path="account/password" element={<ChangePasswordPage />} />
          <Route path="account/two-step" element={<TwoStepPage />} />
          <Route path="account/contact" element={<ContactPage />} />
          <Route
            path="account/notifications"
            element={
              <Suspense fallback={<FullPageSpin />}>
                <NotificationPreferencesPage />
              </Suspense>
            }
          />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
