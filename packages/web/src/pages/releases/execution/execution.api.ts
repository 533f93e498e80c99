import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, apiUpload, routeUrl } from '../../../api/client';
import type { BodyOf, QueryOf, ResponseOf } from '../../../api/routes';
import type { ReleaseDetail } from '../../../api/types';
import { releasesQueryKey } from '../releases.api';

/** IM-1 … RB-5: the shapes of the execution routes, from the OpenAPI document. */
export type Checklist = ResponseOf<'/api/releases/{id}/checks'>;
export type ChecklistItem = Checklist['items'][number];
export type CheckResult = NonNullable<ChecklistItem['latest']>;
export type CheckInput = BodyOf<'/api/releases/{id}/checks/{key}'>;
export type Evidence = ResponseOf<'/api/releases/{id}/evidence', 'put'>;

export type ProgressView = ResponseOf<'/api/releases/{id}/progress'>;
export type PhaseView = ProgressView['implementation'];
export type PhaseStep = PhaseView['steps'][number];
export type StepRun = NonNullable<PhaseStep['run']>;
export type StepPhase = StepRun['phase'];
export type FinishStepInput = BodyOf<'/api/releases/{id}/steps/{phase}/{index}/finish'>;

export type MonitoringView = ResponseOf<'/api/releases/{id}/monitoring'>;
export type Indicator = MonitoringView['indicators'][number];
export type Reading = Indicator['readings'][number];
export type Feedback = MonitoringView['feedback'][number];
export type FeedbackInput = BodyOf<'/api/releases/{id}/feedback'>;
export type LogEntry = ResponseOf<'/api/releases/{id}/logs'>[number];
export type LogLineInput = BodyOf<'/api/releases/{id}/logs'>['lines'][number];
export type LogLevel = LogEntry['level'];
export type LogQuery = QueryOf<'/api/releases/{id}/logs'>;

export type RollbackView = ResponseOf<'/api/releases/{id}/rollback'>;
export type Trigger = RollbackView['triggers'][number];
export type TriggerKind = Trigger['kind'];
export type TriggerInput = BodyOf<'/api/releases/{id}/triggers'>;
export type RestorationCheck = RollbackView['restorationChecks'][number];
export type RestorationItem = RestorationCheck['items'][number];
export type RestorationResult = ResponseOf<'/api/releases/{id}/restoration', 'post'>;
export type ProblemRecord = RollbackView['problems'][number];

export const TRIGGER_KINDS: readonly TriggerKind[] = [
  'function_unusable',
  'performance',
  'data',
  'complaints',
];
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
export const SEVERITIES: readonly FeedbackInput['severity'][] = ['low', 'medium', 'high', 'critical'];

/** Under the release keys: one invalidation (an action here, or a live event) refreshes them all. */
export const checksQueryKey = (id: string) => [...releasesQueryKey, 'checks', id] as const;
export const progressQueryKey = (id: string) => [...releasesQueryKey, 'progress', id] as const;
export const monitoringQueryKey = (id: string) => [...releasesQueryKey, 'monitoring', id] as const;
export const logsQueryKey = (id: string, query?: LogQuery) =>
  [...releasesQueryKey, 'logs', id, ...(query ? [query] : [])] as const;
export const rollbackQueryKey = (id: string) => [...releasesQueryKey, 'rollback', id] as const;

const path = (id: string) => ({ params: { path: { id } } });

export const liveUrl = (id: string) => routeUrl('/api/releases/{id}/live', { path: { id } });

export function getChecklist(id: string): Promise<Checklist> {
  return api.GET('/api/releases/{id}/checks', path(id));
}

export function recordCheck(id: string, key: string, input: CheckInput): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/checks/{key}', { params: { path: { id, key } }, body: input });
}

export function uploadEvidence(
  id: string,
  file: Blob,
  filename: string,
  onProgress?: (percent: number) => void,
): Promise<Evidence> {
  return apiUpload('/api/releases/{id}/evidence', {
    method: 'put',
    ...path(id),
    file,
    filename,
    onProgress: (p) => onProgress?.(p.total ? Math.round((p.loaded / p.total) * 100) : 0),
  });
}

export function startImplementation(id: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/implementation/start', path(id));
}

export function completeImplementation(id: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/implementation/complete', path(id));
}

export function getProgress(id: string): Promise<ProgressView> {
  return api.GET('/api/releases/{id}/progress', path(id));
}

export function startStep(id: string, phase: StepPhase, index: number, executor?: string) {
  return api.POST('/api/releases/{id}/steps/{phase}/{index}/start', {
    params: { path: { id, phase, index } },
    body: { executor: executor?.trim() || null },
  });
}

export function finishStep(id: string, phase: StepPhase, index: number, input: FinishStepInput) {
  return api.POST('/api/releases/{id}/steps/{phase}/{index}/finish', {
    params: { path: { id, phase, index } },
    body: input,
  });
}

export function getMonitoring(id: string): Promise<MonitoringView> {
  return api.GET('/api/releases/{id}/monitoring', path(id));
}

export function recordReading(id: string, input: BodyOf<'/api/releases/{id}/readings'>) {
  return api.POST('/api/releases/{id}/readings', { ...path(id), body: input });
}

export function pushLogs(id: string, lines: LogLineInput[]) {
  return api.POST('/api/releases/{id}/logs', { ...path(id), body: { lines } });
}

export function searchLogs(id: string, query: LogQuery, signal?: AbortSignal): Promise<LogEntry[]> {
  return api.GET('/api/releases/{id}/logs', { params: { path: { id }, query }, signal });
}

export function recordFeedback(id: string, input: FeedbackInput) {
  return api.POST('/api/releases/{id}/feedback', { ...path(id), body: input });
}

export function getRollback(id: string): Promise<RollbackView> {
  return api.GET('/api/releases/{id}/rollback', path(id));
}

export function raiseTrigger(id: string, input: TriggerInput): Promise<Trigger> {
  return api.POST('/api/releases/{id}/triggers', { ...path(id), body: input });
}

export function decideTrigger(
  id: string,
  triggerId: string,
  decision: 'rollback' | 'continue',
  reason: string | null,
): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/triggers/{triggerId}/decision', {
    params: { path: { id, triggerId } },
    body: { decision, reason },
  });
}

export function verifyRestoration(
  id: string,
  observed: { ciId: string; version: string | null }[],
): Promise<RestorationResult> {
  return api.POST('/api/releases/{id}/restoration', { ...path(id), body: { observed } });
}

export function completeRollback(id: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/rollback/complete', path(id));
}

export function failRollback(id: string, reason: string): Promise<ReleaseDetail> {
  return api.POST('/api/releases/{id}/rollback/fail', { ...path(id), body: { reason } });
}

// Queries: one hook per resource, so every screen asks for it under the same key.

export function useChecklist(id: string) {
  return useQuery({ queryKey: checksQueryKey(id), queryFn: () => getChecklist(id) });
}

export function useProgress(id: string) {
  return useQuery({ queryKey: progressQueryKey(id), queryFn: () => getProgress(id) });
}

export function useMonitoring(id: string) {
  return useQuery({ queryKey: monitoringQueryKey(id), queryFn: () => getMonitoring(id) });
}

/** Log lines matching a search; the last answer stays while a new search loads. */
export function useLogs(id: string, query: LogQuery) {
  return useQuery({
    queryKey: logsQueryKey(id, query),
    queryFn: ({ signal }) => searchLogs(id, query, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRollback(id: string, options: { enabled?: boolean } = {}) {
  return useQuery({ queryKey: rollbackQueryKey(id), queryFn: () => getRollback(id), ...options });
}
