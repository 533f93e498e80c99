import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { paths } from '../../api/openapi';

type Method = 'get' | 'post' | 'put' | 'patch';
type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type ResponseOf<P extends keyof paths, M extends Method = 'get'> =
  Op<P, M> extends { responses: { 200: infer R } } ? Json<R> : never;
type BodyOf<P extends keyof paths, M extends Method = 'post'> =
  Op<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type QueryOf<P extends keyof paths> =
  Op<P, 'get'> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The shapes of /api/notifications, from the OpenAPI document (npm run api:types). */
export type NotificationList = ResponseOf<'/api/notifications'>;
export type NotificationItem = NotificationList['items'][number];
export type Preferences = ResponseOf<'/api/notifications/preferences'>;
export type PreferencesInput = BodyOf<'/api/notifications/preferences', 'put'>;
export type Endpoint = ResponseOf<'/api/notifications/webhooks'>['endpoints'][number];
export type EndpointInput = BodyOf<'/api/notifications/webhooks'>;
export type EndpointPatch = BodyOf<'/api/notifications/webhooks/{id}', 'patch'>;
export type Delivery = ResponseOf<'/api/notifications/deliveries'>['items'][number];
export type DeliveryQuery = QueryOf<'/api/notifications/deliveries'>;
export type TestResult = ResponseOf<'/api/notifications/webhooks/{id}/test', 'post'>;
export type WebhookFormat = Endpoint['format'];
export type NotificationKind = NotificationItem['kind'];

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'approval_waiting',
  'deadline_near',
  'deadline_missed',
  'trigger_raised',
  'state_changed',
  'task_assigned',
  'security_alert',
];
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = [
  'generic',
  'dingtalk',
  'wecom',
  'feishu',
  'feishu_app',
  'wecom_app',
];
/** formats that send decision cards through a chat app, whose buttons call back. */
export const isAppFormat = (f: WebhookFormat): f is 'feishu_app' | 'wecom_app' =>
  f === 'feishu_app' || f === 'wecom_app';
export type AppSettings = NonNullable<Endpoint['app']>;

export const notificationsQueryKey = ['notifications'] as const;
export const webhooksQueryKey = ['notifications', 'webhooks'] as const;
export const deliveriesQueryKey = ['notifications', 'deliveries'] as const;
export const preferencesQueryKey = [...notificationsQueryKey, 'preferences'] as const;

export type NotificationCategory = NotificationItem['category'];

/** X-2 (decision 0018): a page of to-dos (open first) or of the digest (information). */
export const listNotifications = (
  category: NotificationCategory,
  cursor: string | undefined,
  signal?: AbortSignal,
) => api.GET('/api/notifications', { params: { query: { category, cursor, limit: 50 } }, signal });
export const markRead = (id: string) =>
  api.POST('/api/notifications/{id}/read', { params: { path: { id } } });
export const markAllRead = (category?: NotificationCategory) =>
  api.POST('/api/notifications/read-all', { params: { query: { category } } });

export const getPreferences = () => api.GET('/api/notifications/preferences');
export const savePreferences = (body: PreferencesInput) =>
  api.PUT('/api/notifications/preferences', { body });

export const listEndpoints = async () => (await api.GET('/api/notifications/webhooks')).endpoints;
export const createEndpoint = (body: EndpointInput) => api.POST('/api/notifications/webhooks', { body });
export const updateEndpoint = (id: string, body: EndpointPatch) =>
  api.PATCH('/api/notifications/webhooks/{id}', { params: { path: { id } }, body });
export const deleteEndpoint = (id: string) =>
  api.DELETE('/api/notifications/webhooks/{id}', { params: { path: { id } } });
export const testEndpoint = (id: string) =>
  api.POST('/api/notifications/webhooks/{id}/test', { params: { path: { id } } });

/** A page of deliveries (`nextCursor` continues it), filtered by the server. */
export const listDeliveries = (query: Partial<DeliveryQuery>) =>
  api.GET('/api/notifications/deliveries', { params: { query } });
export const retryDelivery = (id: string) =>
  api.POST('/api/notifications/deliveries/{id}/retry', { params: { path: { id } } });

// Queries: one hook per resource, so every screen asks for it under the same key.

const POLL_MS = 30_000;

/** The bell's list of one category, page by page (keyset), asked again every 30 seconds. */
export function useNotifications(category: NotificationCategory) {
  return useInfiniteQuery({
    queryKey: [...notificationsQueryKey, category],
    queryFn: ({ pageParam, signal }) => listNotifications(category, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: POLL_MS,
  });
}

export function usePreferences() {
  return useQuery({ queryKey: preferencesQueryKey, queryFn: getPreferences });
}

export function useEndpoints() {
  return useQuery({ queryKey: webhooksQueryKey, queryFn: listEndpoints });
}

/** A page of the deliveries, of one status or all; the last answer stays while another loads. */
export function useDeliveries(query: Partial<DeliveryQuery>) {
  return useQuery({
    queryKey: [...deliveriesQueryKey, query],
    queryFn: () => listDeliveries(query),
    placeholderData: (previous) => previous,
  });
}
