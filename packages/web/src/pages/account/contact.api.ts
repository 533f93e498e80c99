import { api } from '../../api/client';
import type { paths } from '../../api/openapi';

type Json<T> = T extends { content: { 'application/json': infer J } } ? J : never;

/** the phone number and chat identities robot messages @-mention the user by. */
export type ChatContact = Json<paths['/api/account/contact']['get']['responses'][200]>;
export type ChatContactInput = Json<NonNullable<paths['/api/account/contact']['put']['requestBody']>>;

export const contactQueryKey = ['account', 'contact'] as const;
export const getOwnContact = () => api.GET('/api/account/contact');
export const setOwnContact = (body: ChatContactInput) => api.PUT('/api/account/contact', { body });
