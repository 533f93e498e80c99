import { Suspense, type ComponentType, type ReactNode } from 'react';
import { lazyNamed } from './common/lazyNamed';
import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { RequirePermission } from './auth/RequirePermission';
import { FullPageSpin } from './common/FullPageSpin';
import { AppLayout } from './layout/AppLayout';
import { NotFoundPage } from './pages/errors/NotFoundPage';
import { HomePage } from './pages/home/HomePage';

/**
 * A page loaded on first visit (issue #18). Only 我的待办 (home) and the not-found page are in
 * the first download: every other page, and the libraries only it uses (charts, Markdown, date
 * pickers, uploads, tables, the sign-in form), is fetched when a person opens it.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazyNamed(load, name);

const LoginPage = page(() => import('./pages/login/LoginPage'), 'LoginPage');
const SetupPage = page(() => import('./pages/setup/SetupPage'), 'SetupPage');
const ChangePasswordPage = page(() => import('./pages/account/ChangePasswordPage'), 'ChangePasswordPage');
const TwoStepPage = page(() => import('./pages/account/TwoStepPage'), 'TwoStepPage');
const ContactPage = page(() => import('./pages/account/ContactPage'), 'ContactPage');
const AuditPage = page(() => import('./pages/audit/AuditPage'), 'AuditPage');
const TokensPage = page(() => import('./pages/tokens/TokensPage'), 'TokensPage');
const UsersPage = page(() => import('./pages/users/UsersPage'), 'UsersPage');

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

/** A lazy page with the spinner shown while its code arrives. */
function Lazy({ page }: { page: ReactNode }) {
  return <Suspense fallback={<FullPageSpin />}>{page}</Suspense>;
}

function Guarded({ any, children }: { any: readonly string[]; children: ReactNode }) {
  return (
    <RequirePermission any={any}>
      <Lazy page={children} />
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
      <Route path="/login" element={<Lazy page={<LoginPage />} />} />
      <Route path="/setup" element={<Lazy page={<SetupPage />} />} />
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
              <Guarded any={['user.read', 'user.manage']}>
                <UsersPage />
              </Guarded>
            }
          />
          <Route
            path="admin/tokens"
            element={
              <Guarded any={['token.manage', 'token.own']}>
                <TokensPage />
              </Guarded>
            }
          />
          <Route
            path="audit"
            element={
              <Guarded any={['audit.read']}>
                <AuditPage />
              </Guarded>
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
          <Route path="account/password" element={<Lazy page={<ChangePasswordPage />} />} />
          <Route path="account/two-step" element={<Lazy page={<TwoStepPage />} />} />
          <Route path="account/contact" element={<Lazy page={<ContactPage />} />} />
          <Route path="account/notifications" element={<Lazy page={<NotificationPreferencesPage />} />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
