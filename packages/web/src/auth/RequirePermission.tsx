import type { ReactNode } from 'react';
import { ForbiddenPage } from '../pages/errors/ForbiddenPage';
import { useAuth } from './AuthContext';

/** Renders its children when the user holds any of the permissions, a 403 page otherwise. */
export function RequirePermission({ any, children }: { any: readonly string[]; children: ReactNode }) {
  const { canAny } = useAuth();
  return canAny(any) ? children : <ForbiddenPage />;
}
