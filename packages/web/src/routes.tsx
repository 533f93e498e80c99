import { Route, Routes } from 'react-router';
import { RequireAuth } from './auth/RequireAuth';
import { RequirePermission } from './auth/RequirePermission';
import { AppLayout } from './layout/AppLayout';
import { ChangePasswordPage } from './pages/account/ChangePasswordPage';
import { AuditPage } from './pages/audit/AuditPage';
import { NotFoundPage } from './pages/errors/NotFoundPage';
import { HomePage } from './pages/home/HomePage';
import { LoginPage } from './pages/login/LoginPage';
import { SetupPage } from './pages/setup/SetupPage';
import { TokensPage } from './pages/tokens/TokensPage';
import { UsersPage } from './pages/users/UsersPage';

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
          <Route path="account/password" element={<ChangePasswordPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Route>
    </Routes>
  );
}
