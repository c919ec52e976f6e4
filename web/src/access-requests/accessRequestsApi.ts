import { api } from '../api';

export type AccessRequest = {
  id: string;
  email: string;
  name: string;
  message: string;
  source: 'form' | 'sso';
  status: 'pending' | 'approved';
  accountExists: boolean;
  requestedAt: string;
  createdAt: string;
  decidedAt: string | null;
  deletedAt: string | null;
};

export type ApprovalOutcome = 'created_and_invited' | 'existing_account_approved' | 'blocked_domain' | 'failed';
export type DecisionResult = { id: string; outcome: ApprovalOutcome | 'declined'; reason?: string };

export type AccessRequestQuery = { q: string; status: AccessRequest['status'] | null; deleted: boolean };

export type RegistrationSettings = {
  accessRequestsEnabled: boolean;
  ssoRegistrationEnabled: boolean;
  ssoVerifiedRequestsRequired: boolean;
};

export function listAccessRequests(query: AccessRequestQuery, cursor: string | null) {
  const params = new URLSearchParams({ limit: '50' });
  if (query.q.trim()) params.set('q', query.q.trim());
  if (query.status) params.set('status', query.status);
  if (query.deleted) params.set('deleted', 'true');
  if (cursor) params.set('cursor', cursor);
  return api<{ items: AccessRequest[]; nextCursor: string | null }>('GET', `/api/v1/admin/access-requests?${params}`);
}

export const decideAccessRequests = (action: 'approve' | 'decline', ids: string[]) =>
  api<{ results: DecisionResult[] }>('POST', `/api/v1/admin/access-requests/${action}`, { ids });

export const restoreAccessRequest = (id: string) =>
  api<{ accessRequest: AccessRequest }>('POST', `/api/v1/admin/access-requests/${id}/restore`);

export const readRegistrationSettings = async () =>
  (await api<{ registration: RegistrationSettings }>('GET', '/api/v1/admin/settings')).registration;

export const saveRegistrationSettings = async (registration: Partial<RegistrationSettings>) =>
  (await api<{ registration: RegistrationSettings }>('PATCH', '/api/v1/admin/settings', { registration })).registration;

const OUTCOME_TEXT: Record<DecisionResult['outcome'], string> = {
  created_and_invited: 'account created and invitation sent',
  existing_account_approved: 'existing account approved',
  blocked_domain: 'blocked: the email domain is not allowed',
  failed: 'failed',
  declined: 'declined',
};

const REASON_TEXT: Record<string, string> = {
  not_found: 'the request no longer exists',
  already_approved: 'it was already approved',
  account_disabled: 'the account for this email is disabled',
  mail_not_configured: 'email is not set up',
  email_taken: 'the email is already taken',
  internal_error: 'something went wrong on the server',
};

/** One line of the result toast: what happened to this request, in the console's words. */
export function describeResult(result: DecisionResult): string {
  const text = OUTCOME_TEXT[result.outcome];
  if (result.outcome !== 'failed' || !result.reason) return text;
  return `${text}: ${REASON_TEXT[result.reason] ?? result.reason.replace(/_/g, ' ')}`;
}
