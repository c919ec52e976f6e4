import { call, client, type Schemas } from '../api';

export type SignupLink = Schemas['SignupLink'];
export type SignupLinkStatus = SignupLink['status'];

export type CreatedSignupLink = SignupLink & { token: string; url: string };

export type SendResult = { email: string; outcome: 'queued' | 'blocked'; reason: string | null };

export const listSignupLinks = (cursor?: string) => call(client.GET('/api/v1/admin/signup-links', { params: { query: { cursor } } }));

export const createSignupLink = (body: { name: string; note: string; expiresAt: string; maxUses: number | null; roleIds: string[]; groupIds: string[] }) =>
  call(client.POST('/api/v1/admin/signup-links', { body }));

export const revokeSignupLink = (id: string) => call(client.DELETE('/api/v1/admin/signup-links/{id}', { params: { path: { id } } }));

export const sendSignupLink = (id: string, token: string, emails: string[]) =>
  call(client.POST('/api/v1/admin/signup-links/{id}/send', { params: { path: { id } }, body: { token, emails } })).then((r) => r.results);
