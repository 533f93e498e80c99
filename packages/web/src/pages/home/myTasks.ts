import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { ResponseOf } from '../../api/routes';
import type { zhTasks } from '../../i18n/zh.tasks';

/** The shapes of GET /api/me/tasks, from the OpenAPI document (npm run api:types). */
export type MyTasks = ResponseOf<'/api/me/tasks'>;
export type MyTask = MyTasks['tasks'][number];
export type TaskKind = MyTask['kind'];

/** Compiles only while every kind the server sends has its words in zh.tasks.ts (and so in en.tasks.ts). */
type Labelled<K extends keyof (typeof zhTasks)['tasks']['kinds']> = K;
export type LabelledKind = Labelled<TaskKind>;

export const myTasksQueryKey = ['me', 'tasks'] as const;

export function listMyTasks(signal?: AbortSignal): Promise<MyTasks> {
  return api.GET('/api/me/tasks', { signal });
}

/**
 * A deadline within this long is near: the CMDB update's reminder comes two hours before it is
 * due (PO-2), and a rollback decision's whole window is 30 minutes (RB-2).
 */
export const NEAR_MS = 2 * 60 * 60 * 1000;

/** How a deadline stands at `now` (the server's time): missed, near, or further off. */
export function dueState(dueAt: string, now: string): 'overdue' | 'near' | 'later' {
  const left = Date.parse(dueAt) - Date.parse(now);
  if (left <= 0) return 'overdue';
  return left <= NEAR_MS ? 'near' : 'later';
}

const REFRESH_MS = 60_000;

/** My tasks, asked again every minute and whenever the page comes back into view. */
export function useMyTasks() {
  return useQuery({
    queryKey: myTasksQueryKey,
    queryFn: ({ signal }) => listMyTasks(signal),
    refetchInterval: REFRESH_MS,
    refetchOnWindowFocus: 'always',
    staleTime: 0,
  });
}
