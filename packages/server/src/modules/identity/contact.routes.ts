import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { contextOf } from '../../http/request-context';
import { acceptUploads, uploadFilename, uploadStream } from '../../http/uploads';
import type { ImportLimits } from '../cmdb';
import type { IdentityDeps } from './identity.deps';
import { idParams } from './identity.schemas';
import {
  chatContactInput,
  chatContactView,
  contactImportQuery,
  contactImportReport,
} from './contact.schemas';
import { getContact, getOwnContact, importContacts, setContact } from './contact.service';

const tags = ['users'];

/** the phone numbers and chat identities robot messages @-mention users by. */
export function contactRoutes(deps: IdentityDeps, importLimits: ImportLimits): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/account/contact', {
      schema: {
        tags,
        operationId: 'getOwnContact',
        summary: 'My mobile phone number and chat identities (DingTalk, WeCom, Feishu)',
        response: { 200: chatContactView },
      },
      handler: async (request) => getOwnContact(deps, contextOf(request)),
    });
    app.put('/api/account/contact', {
      config: { action: 'user.contact_update' },
      schema: {
        tags,
        operationId: 'setOwnContact',
        summary:
          'Set my mobile phone number and chat identities; null or "" clears one, a field left out stays',
        body: chatContactInput,
        response: { 200: chatContactView },
      },
      handler: async (request) => setContact(deps, contextOf(request), request.body),
    });
    app.get('/api/users/:id/contact', {
      schema: {
        tags,
        operationId: 'getUserContact',
        summary: "A user's mobile phone number and chat identities (security administrator)",
        params: idParams,
        response: { 200: chatContactView },
      },
      handler: async (request) => getContact(deps, contextOf(request), request.params.id),
    });
    app.put('/api/users/:id/contact', {
      config: { action: 'user.contact_update' },
      schema: {
        tags,
        operationId: 'setUserContact',
        summary: "Set a user's mobile phone number and chat identities (security administrator)",
        params: idParams,
        body: chatContactInput,
        response: { 200: chatContactView },
      },
      handler: async (request) => setContact(deps, contextOf(request), request.body, request.params.id),
    });
    await app.register(async (context) => {
      const uploads = acceptUploads(context);
      uploads.post('/api/users/contacts/import', {
        config: { action: 'user.contact_import' },
        schema: {
          tags,
          operationId: 'importUserContacts',
          summary:
            'Import phone numbers and chat identities from CSV or XLSX (columns username, phone, dingtalk, wecom, feishu; application/octet-stream; X-Filename header). A file with any bad row imports nothing.',
          querystring: contactImportQuery,
          response: { 200: contactImportReport },
        },
        handler: async (request) =>
          importContacts(deps, contextOf(request), uploadStream(request), {
            format: request.query.format,
            dryRun: request.query.dryRun === 'true',
            fileName: uploadFilename(request),
            limits: importLimits,
          }),
      });
    });
  };
}
