import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Button } from 'antd';
import type { UseQueryResult } from '@tanstack/react-query';
import { isApiError } from '../api/client';
import { ErrorAlert } from './ErrorAlert';
import { FullPageSpin } from './FullPageSpin';
import { LazyResult } from './LazyResult';

/**
 * A detail page's load: a spinner while it loads, a 404 page with the way back to the list when
 * the record does not exist, the error otherwise, and the record once it is there.
 */
export function DetailQuery<T>({
  query,
  notFound,
  children,
}: {
  query: UseQueryResult<T>;
  notFound: { title: string; backTo: string; backText: string };
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <FullPageSpin />;
  if (query.error) {
    if (isApiError(query.error) && query.error.status === 404)
      return (
        <LazyResult
          status="404"
          title={notFound.title}
          extra={
            <Link to={notFound.backTo}>
              <Button type="primary">{notFound.backText}</Button>
            </Link>
          }
        />
      );
    return <ErrorAlert error={query.error} />;
  }
  return <>{children(query.data)}</>;
}
