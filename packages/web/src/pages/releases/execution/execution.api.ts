import { apiRequest, apiUpload } from '../../../api/client';
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

const release = (id: string) => `/api/releases/${encodeURIComponent(id)}`;

export const liveUrl = (id: string) => `${release(id)}/live`;

export function getChecklist(id: string): Promise<Checklist> {
  return apiRequest<Checklist>(`${release(id)}/checks`);
}

export function recordCheck(id: string, key: string, input: CheckInput): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/checks/${encodeURIComponent(key)}`, {
    method: 'POST',
    body: input,
  });
}

export function uploadEvidence(
  id: string,
  file: Blob,
  filename: string,
  onProgress?: (percent: number) => void,
): Promise<Evidence> {
  return apiUpload<Evidence>(`${release(id)}/evidence`, {
    method: 'PUT',
    file,
    filename,
    onProgress: (p) => onProgress?.(p.total ? Math.round((p.loaded / p.total) * 100) : 0),
  });
}

export function startImplementation(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/implementation/start`, { method: 'POST' });
}

export function completeImplementation(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/implementation/complete`, { method: 'POST' });
}

export function getProgress(id: string): Promise<ProgressView> {
  return apiRequest<ProgressView>(`${release(id)}/progress`);
}

export function startStep(id: string, phase: StepPhase, index: number, executor?: string) {
  return apiRequest<ProgressView>(`${release(id)}/steps/${phase}/${index}/start`, {
    method: 'POST',
    body: { executor: executor?.trim() || null },
  });
}

export function finishStep(id: string, phase: StepPhase, index: number, input: FinishStepInput) {
  return apiRequest<ProgressView>(`${release(id)}/steps/${phase}/${index}/finish`, {
    method: 'POST',
    body: input,
  });
}

export function getMonitoring(id: string): Promise<MonitoringView> {
  return apiRequest<MonitoringView>(`${release(id)}/monitoring`);
}

export function recordReading(id: string, input: BodyOf<'/api/releases/{id}/readings'>) {
  return apiRequest<ResponseOf<'/api/releases/{id}/readings', 'post'>>(`${release(id)}/readings`, {
    method: 'POST',
    body: input,
  });
}

export function pushLogs(id: string, lines: LogLineInput[]) {
  return apiRequest<ResponseOf<'/api/releases/{id}/logs', 'post'>>(`${release(id)}/logs`, {
    method: 'POST',
    body: { lines },
  });
}

export function searchLogs(id: string, query: LogQuery, signal?: AbortSignal): Promise<LogEntry[]> {
  return apiRequest<LogEntry[]>(`${release(id)}/logs`, { query: { ...query }, signal });
}

export function recordFeedback(id: string, input: FeedbackInput) {
  return apiRequest<ResponseOf<'/api/releases/{id}/feedback', 'post'>>(`${release(id)}/feedback`, {
    method: 'POST',
    body: input,
  });
}

export function getRollback(id: string): Promise<RollbackView> {
  return apiRequest<RollbackView>(`${release(id)}/rollback`);
}

export function raiseTrigger(id: string, input: TriggerInput): Promise<Trigger> {
  return apiRequest<Trigger>(`${release(id)}/triggers`, { method: 'POST', body: input });
}

export function decideTrigger(
  id: string,
  triggerId: string,
  decision: 'rollback' | 'continue',
  reason: string | null,
): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/triggers/${encodeURIComponent(triggerId)}/decision`, {
    method: 'POST',
    body: { decision, reason },
  });
}

export function verifyRestoration(
  id: string,
  observed: { ciId: string; version: string | null }[],
): Promise<RestorationResult> {
  return apiRequest<RestorationResult>(`${release(id)}/restoration`, { method: 'POST', body: { observed } });
}

export function completeRollback(id: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/rollback/complete`, { method: 'POST' });
}

export function failRollback(id: string, reason: string): Promise<ReleaseDetail> {
  return apiRequest<ReleaseDetail>(`${release(id)}/rollback/fail`, { method: 'POST', body: { reason } });
}
