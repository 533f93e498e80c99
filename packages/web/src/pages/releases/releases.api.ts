import { apiRequest } from '../../api/client';
import type {
  CalendarView,
  FreezeWindow,
  PlanConflict,
  PlanContent,
  PlanVersion,
  RelationshipDecision,
  RelationshipFindings,
  Release,
  ReleaseDetail,
  ReleaseItemKind,
  ReleaseState,
  ReleaseType,
  ResourceAssessment,
  RiskAssessment,
  RollbackDifficulty,
  Urgency,
} from '../../api/types';

/** Every release query key starts here: one invalidation refreshes lists, details, plans, calendar. */
export const releasesQueryKey = ['releases'] as const;
export const releaseQueryKey = (id: string) => [...releasesQueryKey, 'detail', id] as const;
export const plansQueryKey = (id: string) => [...releasesQueryKey, 'plans', id] as const;
export const conflictsQueryKey = (id: string) => [...releasesQueryKey, 'conflicts', id] as const;
export const relationshipsQueryKey = (id: string) => [...releasesQueryKey, 'relationships', id] as const;
export const calendarQueryKey = [...releasesQueryKey, 'calendar'] as const;

export interface ReleaseFilter {
  state?: ReleaseState;
  type?: ReleaseType;
  q?: string;
  open?: 'true';
}

export interface ReleaseItemInput {
  kind: ReleaseItemKind;
  title: string;
  dslVersionId?: string | null;
  description?: string | null;
  ciIds: string[];
}

export interface RequestReleaseInput {
  title: string;
  description?: string | null;
  changeIds: string[];
  items: ReleaseItemInput[];
  targetCiIds?: string[];
  urgency: Urgency;
  rollbackDifficulty: RollbackDifficulty;
  newTechnology: boolean;
}

const release = (id: string) => `/api/releases/${encodeURIComponent(id)}`;

export async function listReleases(filter: ReleaseFilter, signal?: AbortSignal): Promise<Release[]> {
  return (await apiRequest<{ releases: Release[] }>('/api/releases', { query: { ...filter }, signal }))
    .releases;
}

export function getRelease(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(release(id));
}

export function requestRelease(input: RequestReleaseInput): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>('/api/releases', { method: 'POST', body: input });
}

export function acceptRelease(id: string, note: string | null): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/accept`, { method: 'POST', body: { note } });
}

export function rejectRelease(id: string, reason: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/reject`, { method: 'POST', body: { reason } });
}

export function classifyRelease(
  id: string,
  type: ReleaseType,
  reason: string | null,
): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/classify`, { method: 'POST', body: { type, reason } });
}

export function cancelRelease(id: string, reason: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/cancel`, { method: 'POST', body: { reason } });
}

export function getRelationships(id: string): Promise<RelationshipFindings> {
  return apiRequest<RelationshipFindings>(`${release(id)}/relationships`);
}

export function decideRelationships(id: string, decision: RelationshipDecision): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/assessments/relationship`, {
    method: 'POST',
    body: decision,
  });
}

export function assessResources(id: string, input: ResourceAssessment): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/assessments/resource`, { method: 'POST', body: input });
}

export function assessRisks(id: string, input: RiskAssessment): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/assessments/risk`, { method: 'POST', body: input });
}

export async function listPlans(id: string): Promise<PlanVersion[]> {
  return (await apiRequest<{ plans: PlanVersion[] }>(`${release(id)}/plans`)).plans;
}

export function savePlan(id: string, content: PlanContent): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan`, { method: 'PUT', body: content });
}

export function submitPlan(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/submit`, { method: 'POST' });
}

/** TY-4: saves the completion of an emergency release's approved short form. */
export function saveCompletion(id: string, content: PlanContent): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/completion`, { method: 'PUT', body: content });
}

export function approveCompletion(id: string, comment: string | null): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/completion/approve`, {
    method: 'POST',
    body: { comment },
  });
}

/** TY-4: the review of an emergency release after the fact. */
export function reviewEmergency(
  id: string,
  review: { justified: boolean; findings: string },
): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/review`, { method: 'POST', body: review });
}

export function approvePlan(id: string, comment: string | null): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/approve`, { method: 'POST', body: { comment } });
}

export function rejectPlan(id: string, comment: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/reject`, { method: 'POST', body: { comment } });
}

export function revisePlan(id: string, reason: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/plan/revise`, { method: 'POST', body: { reason } });
}

export async function listConflicts(id: string): Promise<PlanConflict[]> {
  return (await apiRequest<{ conflicts: PlanConflict[] }>(`${release(id)}/plan/conflicts`)).conflicts;
}

export async function overrideConflict(id: string, key: string, reason: string): Promise<PlanConflict[]> {
  return (
    await apiRequest<{ conflicts: PlanConflict[] }>(
      `${release(id)}/plan/conflicts/${encodeURIComponent(key)}/override`,
      { method: 'POST', body: { reason } },
    )
  ).conflicts;
}

export function getCalendar(from: string, to: string, signal?: AbortSignal): Promise<CalendarView> {
  return apiRequest<CalendarView>('/api/calendar', { query: { from, to }, signal });
}

export function createFreeze(input: {
  name: string;
  startsAt: string;
  endsAt: string;
  reason?: string | null;
}): Promise<FreezeWindow> {
  return apiRequest<FreezeWindow>('/api/freeze-windows', { method: 'POST', body: input });
}

export function deleteFreeze(id: string): Promise<void> {
  return apiRequest<void>(`/api/freeze-windows/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
