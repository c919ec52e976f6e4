import { call, client, type Schemas } from '../api';

export type ApiToken = Schemas['ApiToken'];
export type CreatedApiToken = ApiToken & { token: string };

export const listApiTokens = () => call(client.GET('/api/v1/admin/api-tokens'));

export const createApiToken = (body: { name: string; expiresAt: string | null }) => call(client.POST('/api/v1/admin/api-tokens', { body }));

export const revokeApiToken = (id: string) => call(client.DELETE('/api/v1/admin/api-tokens/{id}', { params: { path: { id } } }));
