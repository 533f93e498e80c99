import type { Assessment, ReleaseDetail } from '../../../api/types';

/** The latest assessment of a kind, with who recorded it and when. */
export function latestRecord<T>(
  release: ReleaseDetail,
  kind: Assessment['kind'],
): { content: T; by: string; at: string } | null {
  const found = release.assessments.filter((a) => a.kind === kind).sort((a, b) => b.seq - a.seq)[0];
  return found ? { content: found.content as T, by: found.recordedBy, at: found.recordedAt } : null;
}
