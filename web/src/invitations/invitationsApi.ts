import { api } from '../api';

export type MailOutcome = 'queued' | 'blocked' | 'not_sent';

export type PendingInvitation = {
  id: string;
  userId: string;
  name: string;
  email: string;
  roles: { id: string; name: string }[];
  invitedBy: { id: string; name: string } | null;
  createdAt: string;
  sentAt: string | null;
  expiresAt: string;
  status: 'pending' | 'expired';
};

export type SentInvitation = { invitationId: string; userId: string; expiresAt: string; mail: MailOutcome; mailReason: string | null };

export type NewInvitation = {
  name: string;
  email: string;
  password?: string;
  roleIds: string[];
  groupIds: string[];
  sendEmail: boolean;
};

export const inviteUser = (body: NewInvitation) =>
  api<SentInvitation & { link: string }>('POST', '/api/v1/admin/invitations', body);

export const listPendingInvitations = (cursor?: string) =>
  api<{ items: PendingInvitation[]; nextCursor: string | null }>(
    'GET',
    `/api/v1/admin/invitations${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`,
  );

export const revokeInvitation = (id: string) => api<void>('DELETE', `/api/v1/admin/invitations/${id}`);
export const resendInvitation = (id: string) => api<SentInvitation>('POST', `/api/v1/admin/invitations/${id}/resend`);
export const sendInviteToUser = (userId: string) => api<SentInvitation>('POST', `/api/v1/admin/users/${userId}/send-invite`);

/** The sentence an administrator sees after an invitation email was (or was not) sent. */
export function describeMail(to: string, mail: MailOutcome, reason: string | null): { color: string; message: string } {
  if (mail === 'blocked') return { color: 'orange', message: reason ?? `The invitation email to ${to} was blocked.` };
  if (mail === 'not_sent') return { color: 'green', message: `No email was sent to ${to}.` };
  return { color: 'green', message: `Invitation email to ${to} is on its way.` };
}
