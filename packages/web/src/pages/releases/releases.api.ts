import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../api/routes';
import type {
  CalendarView,
  FreezeWindow,
  PlanConflict,
  PlanContent,
  PlanVersion,
  RelationshipDecision,
  RelationshipFindings,
  ReleaseDetail,
  ReleaseType,
  ResourceAssessment,
  RiskAssessment,
} from '../../api/types';

/** Every release query key starts here: one invalidation refreshes lists, details, plans, calendar. */
export const releasesQueryKey = ['releases'] as const;
export const releaseQueryKey = (id: string) => [...releasesQueryKey, 'detail', id] as const;
export const plansQueryKey = (id: string) => [...releasesQueryKey, 'plans', id] as const;
export const previousPlanQueryKey = (id: string) => [...releasesQueryKey, 'previous-plan', id] as const;
export const conflictsQueryKey = (id: string) => [...releasesQueryKey, 'conflicts', id] as const;
export const relationshipsQueryKey = (id: string) => [...releasesQueryKey, 'relationships', id] as const;
export const calendarQueryKey = [...releasesQueryKey, 'calendar'] as const;
export const referencesQueryKey = (id: string) => [...releasesQueryKey, 'references', id] as const;
const activityQueryKey = (id: string) => [...releasesQueryKey, 'activity', id] as const;

export type ReleaseFilter = QueryOf<'/api/releases'>;

export type ReleaseItemInput = NonNullable<RequestReleaseInput['items']>[number];

export type RequestReleaseInput = BodyOf<'/api/releases'>;

const path = (id: string) => ({ params: { path: { id } } });

/** A page of releases (`nextCursor` continues it), filtered and sorted by the server. */
export type ReleasePage = ResponseOf<'/api/releases'>;

export function listReleases(filter: ReleaseFilter, signal?: AbortSignal): Promise<ReleasePage> {
  return api.GET('/api/releases', { params: { query: filter }, signal });
}

export function getRelease(id: string): Promise<ReleaseDetail> {
  return api.GET('/api/releases/{id}', path(id));
}

export function requestRelease(input: RequestReleaseInput): Promise<ReleaseDetail> {
  return api.POST('/api/releases', { body: input });
}

export function acceptRelease(id: string, note: string | null): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/accept', { ...path(id), body: { note } });
}

export function rejectRelease(id: string, reason: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/reject', { ...path(id), body: { reason } });
}

export function classifyRelease(
  id: string,
  type: ReleaseType,
  reason: string | null,
): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/classify', { ...path(id), body: { type, reason } });
}

export function cancelRelease(id: string, reason: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/cancel', { ...path(id), body: { reason } });
}

export function getRelationships(id: string): Promise<RelationshipFindings> {
  return api.GET('/api/releases/{id}/relationships', path(id));
}

export function decideRelationships(id: string, decision: RelationshipDecision): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/assessments/relationship', { ...path(id), body: decision });
}

export function assessResources(id: string, input: ResourceAssessment): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/assessments/resource', { ...path(id), body: input });
}

export function assessRisks(id: string, input: RiskAssessment): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/assessments/risk', { ...path(id), body: input });
}

export async function listPlans(id: string): Promise<PlanVersion[]> {
  return (await api.GET('/api/releases/{id}/plans', path(id))).plans;
}

/** PL-2: the plan as last put to a decision before the version in hand (null: a first submission). */
export type PreviousPlan = NonNullable<ResponseOf<'/api/releases/{id}/plan/previous'>['previous']>;

export async function previousPlan(id: string): Promise<PreviousPlan | null> {
  return (await api.GET('/api/releases/{id}/plan/previous', path(id))).previous;
}

export function savePlan(id: string, content: PlanContent): Promise<ReleaseDetail> {
  return api.PUT('/api/releases/{id}/plan', { ...path(id), body: content });
}

export function submitPlan(id: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/plan/submit', path(id));
}

/** TY-4: saves the completion of an emergency release's approved short form. */
export function saveCompletion(id: string, content: PlanContent): Promise<ReleaseDetail> {
  return api.PUT('/api/releases/{id}/plan/completion', { ...path(id), body: content });
}

export function approveCompletion(id: string, comment: string | null): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/plan/completion/approve', { ...path(id), body: { comment } });
}

/** TY-4: the review of an emergency release after the fact. */
export function reviewEmergency(
  id: string,
  review: { justified: boolean; findings: string },
): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/review', { ...path(id), body: review });
}

export function approvePlan(id: string, comment: string | null): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/plan/approve', { ...path(id), body: { comment } });
}

export function rejectPlan(id: string, comment: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/plan/reject', { ...path(id), body: { comment } });
}

export function revisePlan(id: string, reason: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/plan/revise', { ...path(id), body: { reason } });
}

export async function listConflicts(id: string): Promise<PlanConflict[]> {
  return (await api.GET('/api/releases/{id}/plan/conflicts', path(id))).conflicts;
}

export async function overrideConflict(id: string, key: string, reason: string): Promise<PlanConflict[]> {
  return (
    await api.POST('/api/releases/{id}/plan/conflicts/{key}/override', {
      params: { path: { id, key } },
      body: { reason },
    })
  ).conflicts;
}

export function getCalendar(from: string, to: string, signal?: AbortSignal): Promise<CalendarView> {
  return api.GET('/api/calendar', { params: { query: { from, to } }, signal });
}

export function createFreeze(input: {
  name: string;
  startsAt: string;
  endsAt: string;
  reason?: string | null;
}): Promise<FreezeWindow> {
  return api.POST('/api/freeze-windows', { body: input });
}

export function deleteFreeze(id: string): Promise<void> {
  return api.DELETE('/api/freeze-windows/{id}', path(id));
}

/** The names of the CIs and software versions a release names (read with release.read). */
export type ReleaseReferences = ResponseOf<'/api/releases/{id}/references'>;

// Queries: one hook per resource, so every screen asks for it under the same key.

/** A page of the releases matching a filter; the last answer stays while a new one loads. */
export function useReleases(filter: ReleaseFilter) {
  return useQuery({
    queryKey: [...releasesQueryKey, 'list', filter],
    queryFn: ({ signal }) => listReleases(filter, signal),
    placeholderData: (previous) => previous,
  });
}

export function useRelease(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: releaseQueryKey(id), queryFn: () => getRelease(id), ...options });
}

export function usePlans(id: string) {
  return useQuery({ queryKey: plansQueryKey(id), queryFn: () => listPlans(id) });
}

export function usePreviousPlan(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: previousPlanQueryKey(id), queryFn: () => previousPlan(id), ...options });
}

export function useConflicts(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: conflictsQueryKey(id), queryFn: () => listConflicts(id), ...options });
}

export function useRelationships(id: string) {
  return useQuery({ queryKey: relationshipsQueryKey(id), queryFn: () => getRelationships(id) });
}

export function useReleaseReferencesQuery(id: string) {
  return useQuery({
    queryKey: referencesQueryKey(id),
    queryFn: (): Promise<ReleaseReferences> => api.GET('/api/releases/{id}/references', path(id)),
    staleTime: 30_000,
  });
}

/** PR-3: the release's successful actions, who and when (for those without audit.read). */
export function useReleaseActivity(id: string) {
  return useQuery({
    queryKey: activityQueryKey(id),
    queryFn: () => api.GET('/api/releases/{id}/activity', path(id)),
  });
}

/** The first 30 releases matching what is typed in a picker; the last answer stays while typing. */
export function useReleaseSearch(q: string) {
  return useQuery({
    queryKey: [...releasesQueryKey, 'pick', q],
    queryFn: async ({ signal }) => (await listReleases({ q: q || undefined, limit: 30 }, signal)).items,
    placeholderData: (previous) => previous,
  });
}

/** The calendar between two instants; the last answer stays while another range loads. */
export function useCalendar(from: string, to: string) {
  return useQuery({
    queryKey: [...calendarQueryKey, from, to],
    queryFn: ({ signal }) => getCalendar(from, to, signal),
    placeholderData: (previous) => previous,
  });
}
