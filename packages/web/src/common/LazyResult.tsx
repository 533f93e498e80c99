import { lazy, Suspense, type ComponentProps } from 'react';
import type { Result as AntResult } from 'antd';

const Result = lazy(() => import('antd/es/result'));

/**
 * antd's Result, fetched when a page first shows one (issue #18): its illustrations for 403, 404
 * and 500 weigh about 30 KB, and the pages of the first download (the sign-in check, 我的待办)
 * show one only when something went wrong.
 */
export function LazyResult(props: ComponentProps<typeof AntResult>) {
  return (
    <Suspense fallback={null}>
      <Result {...props} />
    </Suspense>
  );
}
