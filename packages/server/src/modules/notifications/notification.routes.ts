import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contextOf } from '../../http/request-context';
import { pageRequestOf, pageView } from '../../http/page.schemas';
import * as schemas from './notification.schemas';
import {
  createEndpoint,
  deleteEndpoint,
  getMyPreferences,
  listDeliveries,
  listEndpoints,
  listMyNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  retryDelivery,
  testEndpoint,
  updateEndpoint,
  updateMyPreferences,
  type NotificationDeps,
} from './notification.service';

const tags = ['notifications'];

/** the bell (in-app notifications), preferences, webhook endpoints and deliveries. */
export function notificationRoutes(deps: NotificationDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/notifications', {
      schema: {
        tags,
        operationId: 'listNotifications',
        summary:
          "The signed-in user's notifications, a page at a time (keyset): open to-dos first, then the newest; the count of open to-dos and of unread information",
        querystring: schemas.listQuery,
        response: { 200: schemas.notificationList },
      },
      handler: async (request) => {
        const { unread, category, open, ...page } = request.query;
        return listMyNotifications(
          deps,
          contextOf(request),
          { unreadOnly: unread === '1', category, openOnly: open === '1' },
          pageRequestOf(page),
        );
      },
    });
    app.post('/api/notifications/:id/read', {
      config: { action: 'notification.read' },
      schema: {
        tags,
        operationId: 'markNotificationRead',
        summary: 'Mark one of my notifications read',
        params: schemas.idParams,
        response: { 200: schemas.notificationView },
      },
      handler: async (request) => markNotificationRead(deps, contextOf(request), request.params.id),
    });
    app.post('/api/notifications/read-all', {
      config: { action: 'notification.read_all' },
      schema: {
        tags,
        operationId: 'markAllNotificationsRead',
        summary: 'Mark all my notifications read (or only the to-dos, or only the digest)',
        querystring: schemas.readAllQuery,
        response: { 200: z.object({ marked: z.number().int() }) },
      },
      handler: async (request) => ({
        marked: await markAllNotificationsRead(deps, contextOf(request), request.query.category),
      }),
    });
    app.get('/api/notifications/preferences', {
      schema: {
        tags,
        operationId: 'getNotificationPreferences',
        summary: 'My notification preferences: each kind in the app and by e-mail',
        response: { 200: schemas.preferencesView },
      },
      handler: async (request) => getMyPreferences(deps, contextOf(request)),
    });
    app.put('/api/notifications/preferences', {
      config: { action: 'notification.preferences_update' },
      schema: {
        tags,
        operationId: 'setNotificationPreferences',
        summary: 'Set my notification preferences (kinds not listed keep theirs)',
        body: schemas.preferencesInput,
        response: { 200: schemas.preferencesView },
      },
      handler: async (request) => updateMyPreferences(deps, contextOf(request), request.body),
    });

    app.get('/api/notifications/webhooks', {
      schema: {
        tags,
        operationId: 'listWebhookEndpoints',
        summary:
          'Webhook endpoints (notifications.manage); secrets are never returned, URL credentials show as ***',
        response: { 200: z.object({ endpoints: z.array(schemas.endpointListItem) }) },
      },
      handler: async (request) => ({ endpoints: await listEndpoints(deps, contextOf(request)) }),
    });
    app.post('/api/notifications/webhooks', {
      config: { action: 'notification.webhook_create' },
      schema: {
        tags,
        operationId: 'createWebhookEndpoint',
        summary:
          'Add a webhook endpoint: generic JSON (signed X-ReleaseGate-Signature: sha256=<hex HMAC of the body>), DingTalk, WeCom or Feishu robot',
        body: schemas.createEndpointInput,
        response: { 201: schemas.endpointView },
      },
      handler: async (request, reply) =>
        reply.status(201).send(await createEndpoint(deps, contextOf(request), request.body)),
    });
    app.patch('/api/notifications/webhooks/:id', {
      config: { action: 'notification.webhook_update' },
      schema: {
        tags,
        operationId: 'updateWebhookEndpoint',
        summary:
          'Change a webhook endpoint (secret: absent keeps it, null removes it; the URL as answered, with ***, keeps the stored one)',
        params: schemas.idParams,
        body: schemas.updateEndpointInput,
        response: { 200: schemas.endpointView },
      },
      handler: async (request) => updateEndpoint(deps, contextOf(request), request.params.id, request.body),
    });
    app.delete('/api/notifications/webhooks/:id', {
      config: { action: 'notification.webhook_delete' },
      schema: {
        tags,
        operationId: 'deleteWebhookEndpoint',
        summary: 'Delete a webhook endpoint; its pending deliveries are cancelled, their history kept',
        params: schemas.idParams,
        response: { 204: z.null() },
      },
      handler: async (request, reply) => {
        await deleteEndpoint(deps, contextOf(request), request.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/api/notifications/webhooks/:id/test', {
      config: { action: 'notification.webhook_test' },
      schema: {
        tags,
        operationId: 'testWebhookEndpoint',
        summary:
          "Send a test message to the endpoint now and report the HTTP status or the failure's class (never the receiver's body)",
        params: schemas.idParams,
        response: { 200: schemas.testResult },
      },
      handler: async (request) => testEndpoint(deps, contextOf(request), request.params.id),
    });
    app.get('/api/notifications/deliveries', {
      schema: {
        tags,
        operationId: 'listDeliveries',
        summary:
          'E-mail and webhook deliveries, a page at a time (keyset), newest first unless sorted, with attempts and the last error',
        querystring: schemas.deliveryQuery,
        response: { 200: pageView(schemas.deliveryView) },
      },
      handler: async (request) => {
        const { status, channel, endpointId, ...page } = request.query;
        return listDeliveries(deps, contextOf(request), { status, channel, endpointId }, pageRequestOf(page));
      },
    });
    app.post('/api/notifications/deliveries/:id/retry', {
      config: { action: 'notification.delivery_retry' },
      schema: {
        tags,
        operationId: 'retryDelivery',
        summary: 'Send a failed or cancelled delivery again',
        params: schemas.idParams,
        response: { 200: schemas.deliveryView },
      },
      handler: async (request) => retryDelivery(deps, contextOf(request), request.params.id),
    });
  };
}
