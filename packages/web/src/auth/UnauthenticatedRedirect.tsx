import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { setUnauthenticatedHandler } from '../api/client';

const PUBLIC_PATHS = ['/login', '/setup'];

/** When any API call answers 401 (session ended), forget cached data and go to sign-in. */
export function UnauthenticatedRedirect() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      const { pathname, search } = window.location;
      if (PUBLIC_PATHS.some((p) => pathname.startsWith(p))) return;
      // Leave first, then forget (the move is asynchronous on a data router; see UserMenu).
      void Promise.resolve(
        navigate(`/login?next=${encodeURIComponent(pathname + search)}&reason=session`, { replace: true }),
      ).then(() => queryClient.clear());
    });
  }, [navigate, queryClient]);
  return null;
}
