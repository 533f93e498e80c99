import type { ReactNode } from 'react';
import { Spin } from 'antd';
import { ErrorAlert } from '../../../common/ErrorAlert';
import { type PostReleaseView, usePostRelease } from './postrelease.api';

/** The post-release record of a release (PO-1…PO-3, CL-1), with a spinner and the error in place. */
export function PostReleaseQuery({
  releaseId,
  children,
}: {
  releaseId: string;
  children: (view: PostReleaseView) => ReactNode;
}) {
  const view = usePostRelease(releaseId);
  if (view.isPending) return <Spin />;
  if (view.error) return <ErrorAlert error={view.error} />;
  return children(view.data);
}
