import { api, apiUpload } from '../../api/client';
import type { paths } from '../../api/openapi';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

/** the phone number and chat identities robot messages @-mention the user by. */
export type ChatContact = Json<paths['/api/account/contact']['get']['responses'][200]>;
export type ChatContactInput = Json<NonNullable<paths['/api/account/contact']['put']['requestBody']>>;
export type ContactImportReport = Json<paths['/api/users/contacts/import']['post']['responses'][200]>;

export const contactQueryKey = ['account', 'contact'] as const;
export const userContactQueryKey = (id: string) => ['users', id, 'contact'] as const;

export const getOwnContact = () => api.GET('/api/account/contact');
export const setOwnContact = (body: ChatContactInput) => api.PUT('/api/account/contact', { body });
export const getUserContact = (id: string) =>
  api.GET('/api/users/{id}/contact', { params: { path: { id } } });
export const setUserContact = (id: string, body: ChatContactInput) =>
  api.PUT('/api/users/{id}/contact', { params: { path: { id } }, body });

/** The security administrator's mapping file (CSV or XLSX): checked (dry run) or applied. */
export const importContacts = (file: File, format: 'csv' | 'xlsx', dryRun: boolean) =>
  apiUpload('/api/users/contacts/import', {
    method: 'post',
    params: { query: { format, dryRun: dryRun ? 'true' : 'false' } },
    file,
    filename: file.name,
  });
