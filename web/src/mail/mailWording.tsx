import { Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { call, client } from '../api';
import { useSession } from '../session';

/** Whether mail is delivered or captured; saving the email settings invalidates it. */
export const MAIL_STATUS = ['mail-status'];

/**
 * True while no SMTP server is configured: whatever Foyer "sends" then stays in the dev mailbox (the Mail page).
 * Only people who manage settings may ask; for everyone else this stays false and the wording says "on its way".
 */
export function useMailCaptured(): boolean {
  const { user } = useSession();
  const canAsk = user?.permissions.includes('settings.manage') ?? false;
  const status = useQuery({
    queryKey: MAIL_STATUS,
    queryFn: () => call(client.GET('/api/v1/admin/mail/status')),
    enabled: canAsk,
    staleTime: 30_000,
  });
  return canAsk && status.data?.mailDelivery === 'captured';
}

/** The verb for a message Foyer handed to its outbox: "sent", unless delivery is the dev capture. */
export const sentOrCaptured = (captured: boolean) => (captured ? 'captured in the dev mailbox' : 'sent');

/**
 * The one sentence for "this email went out": `what` is the message ("Invitation email", "A one-time login link").
 * With mail captured it says so and links to the dev mailbox, since saying "sent" would promise a delivery that
 * never happens. A plain anchor, not a router link: notifications render outside the router.
 */
export function mailOnItsWay(what: string, to: string, captured: boolean): ReactNode {
  if (!captured) return `${what} to ${to} is on its way.`;
  return (
    <>
      {what} to {to} was captured in the dev mailbox, not delivered: no SMTP server is configured.{' '}
      <Anchor href="/admin/mail" inherit>
        Open the dev mailbox
      </Anchor>
    </>
  );
}
