import type { ReactNode } from 'react';
import { Spin } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { getPostRelease, postReleaseQueryKey, type PostReleaseView } from './postrelease.api';

/** The post-release record of a release (PO-1…PO-3, CL-1), with a spinner and the error in place. */
export function PostReleaseQuery({
  releaseId,
  children,
}: {
  releaseId: string;
  children: (view: PostReleaseView) => ReactNode;
}) {
  const view = useQuery({
    queryKey: postReleaseQueryKey(releaseId),
    queryFn: () => getPostRelease(releaseId),
  });
  if (view.isPending) return <Spin />;
  if (view.error) return <ErrorAlert error={view.error} />;
  return children(view.data);
}
