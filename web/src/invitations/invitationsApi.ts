import type { ReactNode } from 'react';
import { call, client, type Schemas } from '../api';
import { mailOnItsWay } from '../mail/mailWording';

export type MailOutcome = 'queued' | 'blocked' | 'not_sent';

export type PendingInvitation = Schemas['PendingInvitation'];

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
  call(client.POST('/api/v1/admin/invitations', { body }));

export const listPendingInvitations = (cursor?: string) => call(client.GET('/api/v1/admin/invitations', { params: { query: { cursor } } }));

export const revokeInvitation = (id: string) => call(client.DELETE('/api/v1/admin/invitations/{id}', { params: { path: { id } } }));
export const resendInvitation = (id: string) => call(client.POST('/api/v1/admin/invitations/{id}/resend', { params: { path: { id } } }));
export const sendInviteToUser = (userId: string) => call(client.POST('/api/v1/admin/users/{id}/send-invite', { params: { path: { id: userId } } }));

/** The sentence an administrator sees after an invitation email was (or was not) sent; `captured` from useMailCaptured. */
export function describeMail(to: string, mail: MailOutcome, reason: string | null, captured: boolean): { color: string; message: ReactNode } {
  if (mail === 'blocked') return { color: 'orange', message: reason ?? `The invitation email to ${to} was blocked.` };
  if (mail === 'not_sent') return { color: 'green', message: `No email was sent to ${to}.` };
  return { color: 'green', message: mailOnItsWay('Invitation email', to, captured) };
}
