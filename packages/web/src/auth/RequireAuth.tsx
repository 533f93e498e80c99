import { useMemo } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import { Button } from 'antd';
import { LazyResult } from '../common/LazyResult';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { FullPageSpin } from '../common/FullPageSpin';
import { useErrorText } from '../common/errors';
import { AuthContext, authFor } from './AuthContext';
import { useSessionQuery } from './session';

export const PASSWORD_PAGE = '/account/password';
/** where a user whom policy requires to use two-step verification sets it up first. */
export const TWO_STEP_PAGE = '/account/two-step';

/** Pages below need a session: without one, go to /login and come back afterwards. */
export function RequireAuth() {
  const location = useLocation();
  const { t } = useTranslation();
  const errorText = useErrorText();
  const session = useSessionQuery();
  const auth = useMemo(() => (session.data ? authFor(session.data) : null), [session.data]);

  if (session.isPending) return <FullPageSpin />;
  if (session.isError) {
    if (isApiError(session.error) && session.error.status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <LazyResult
        status="error"
        title={errorText(session.error)}
        extra={
          <Button type="primary" onClick={() => void session.refetch()}>
            {t('common.refresh')}
          </Button>
        }
      />
    );
  }
  if (session.data.passwordExpired && location.pathname !== PASSWORD_PAGE)
    return <Navigate to={PASSWORD_PAGE} replace />;
  if (
    !session.data.passwordExpired &&
    session.data.mustEnrolSecondFactor &&
    location.pathname !== TWO_STEP_PAGE
  )
    return <Navigate to={TWO_STEP_PAGE} replace />;
  return (
    <AuthContext.Provider value={auth}>
      <Outlet />
    </AuthContext.Provider>
  );
}
