import { call, client, type Schemas } from '../api';
import { saveSettings, section, type Settings } from '../settings/settingsApi';
import { sentOrCaptured } from '../mail/mailWording';

export type AccessRequest = Schemas['AccessRequest'];

export type ApprovalOutcome = 'created_and_invited' | 'existing_account_approved' | 'blocked_domain' | 'failed';
export type DecisionResult = { id: string; outcome: ApprovalOutcome | 'declined'; reason?: string };

export type AccessRequestQuery = { q: string; status: AccessRequest['status'] | null; deleted: boolean };

export type RegistrationSettings = NonNullable<Settings['registration']>;

/** The cache key of every filter of the access request list. */
export const ACCESS_REQUESTS = ['access-requests'];

export const listAccessRequests = ({ q, status, deleted }: AccessRequestQuery, cursor?: string) =>
  call(
    client.GET('/api/v1/admin/access-requests', {
      params: { query: { limit: 50, cursor, q: q.trim() || undefined, status: status ?? undefined, deleted: deleted ? 'true' : undefined } },
    }),
  );

const DECISION_PATHS = { approve: '/api/v1/admin/access-requests/approve', decline: '/api/v1/admin/access-requests/decline' } as const;

export const decideAccessRequests = (action: 'approve' | 'decline', ids: string[], grant: { roleIds?: string[]; groupIds?: string[] } = {}) =>
  action === 'approve'
    ? call(client.POST(DECISION_PATHS.approve, { body: { ids, ...grant } }))
    : call(client.POST(DECISION_PATHS.decline, { body: { ids } }));

/** New requests arrive while the page is open: the list asks again this often. */
export const LIVE_REFRESH_MS = 5000;

export const restoreAccessRequest = (id: string) =>
  call(client.POST('/api/v1/admin/access-requests/{id}/restore', { params: { path: { id } } }));

export const saveRegistrationSettings = async (registration: Partial<RegistrationSettings>) =>
  section(await saveSettings({ registration }), 'registration');

const OUTCOME_TEXT: Record<DecisionResult['outcome'], string> = {
  created_and_invited: 'account created and invitation',
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
export function describeResult(result: DecisionResult, captured: boolean): string {
  const text = result.outcome === 'created_and_invited' ? `${OUTCOME_TEXT[result.outcome]} ${sentOrCaptured(captured)}` : OUTCOME_TEXT[result.outcome];
  if (result.outcome !== 'failed' || !result.reason) return text;
  return `${text}: ${REASON_TEXT[result.reason] ?? result.reason.replace(/_/g, ' ')}`;
}
