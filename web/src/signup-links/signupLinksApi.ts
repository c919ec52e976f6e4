import { api } from '../api';

export type SignupLinkStatus = 'active' | 'expired' | 'used_up' | 'revoked';

export type SignupLink = {
  id: string;
  createdBy: { id: string; name: string } | null;
  createdAt: string;
  expiresAt: string;
  maxUses: number | null;
  uses: number;
  roles: { id: string; name: string }[];
  groups: { id: string; name: string }[];
  status: SignupLinkStatus;
  revokedAt: string | null;
};

export type CreatedSignupLink = SignupLink & { token: string; url: string };

export type SendResult = { email: string; outcome: 'queued' | 'blocked'; reason: string | null };

export const listSignupLinks = (cursor?: string) =>
  api<{ items: SignupLink[]; nextCursor: string | null }>('GET', `/api/v1/admin/signup-links${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);

export const createSignupLink = (body: { expiresAt: string; maxUses: number | null; roleIds: string[]; groupIds: string[] }) =>
  api<CreatedSignupLink>('POST', '/api/v1/admin/signup-links', body);

export const revokeSignupLink = (id: string) => api<void>('DELETE', `/api/v1/admin/signup-links/${id}`);

export const sendSignupLink = (id: string, token: string, emails: string[]) =>
  api<{ results: SendResult[] }>('POST', `/api/v1/admin/signup-links/${id}/send`, { token, emails }).then((r) => r.results);
