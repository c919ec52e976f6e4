import type { Schemas } from '../api';

export type OutboxMessage = Schemas['OutboxMessage'];
export type OutboxMessageDetail = Schemas['OutboxMessageDetail'];
export type MailStatus = OutboxMessage['status'];

export const MAIL_STATUS_LOOK: Record<MailStatus, { label: string; color: string; meaning: string }> = {
  queued: { label: 'Queued', color: 'blue', meaning: 'Waiting to be sent' },
  sending: { label: 'Sending', color: 'indigo', meaning: 'Being handed to the SMTP server' },
  sent: { label: 'Sent', color: 'green', meaning: 'Accepted by the SMTP server' },
  failed: { label: 'Failed', color: 'red', meaning: 'Could not be delivered' },
  blocked: { label: 'Blocked', color: 'orange', meaning: 'Not sent: the domain is not allowed' },
  captured: { label: 'Captured', color: 'grape', meaning: 'Kept in the dev mailbox, not delivered' },
};
