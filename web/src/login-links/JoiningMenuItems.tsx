import { Menu } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconKey, IconSend } from '@tabler/icons-react';
import { call, client, toApiError } from '../api';
import { describeMail, sendInviteToUser } from '../invitations/invitationsApi';
import { useSession } from '../session';
import { mailOnItsWay, useMailCaptured } from '../mail/mailWording';

type Props = { user: { id: string; name: string; email: string; status: string; emailVerified: boolean } };

/** "Send invite" and "Send login link" in a user's row menu (seeds 000, 002); copying a link is on the user's page. */
export function JoiningMenuItems({ user }: Props) {
  const { user: me } = useSession();
  const can = (permission: string) => me?.permissions.includes(permission) ?? false;
  const active = user.status === 'active';
  const captured = useMailCaptured();

  async function invite() {
    try {
      const sent = await sendInviteToUser(user.id);
      notifications.show(describeMail(user.email, sent.mail, sent.mailReason, captured));
    } catch (err) {
      notifications.show({ color: 'red', title: 'The invitation was not sent', message: toApiError(err).message });
    }
  }

  async function sendLoginLink() {
    try {
      const issued = await call(client.POST('/api/v1/admin/users/{id}/login-link', { params: { path: { id: user.id } }, body: { send: true } }));
      notifications.show(
        issued.mail === 'blocked'
          ? { color: 'orange', title: 'The login link was not sent', message: issued.mailReason ?? '' }
          : { color: 'green', message: mailOnItsWay('A one-time login link', user.email, captured) },
      );
    } catch (err) {
      notifications.show({ color: 'red', title: 'No login link was sent', message: toApiError(err).message });
    }
  }

  return (
    <>
      {can('invitations.manage') && (
        <Menu.Item leftSection={<IconSend size={16} />} onClick={() => void invite()} disabled={user.emailVerified || !active}>
          Send invite
        </Menu.Item>
      )}
      {can('users.update') && (
        <Menu.Item leftSection={<IconKey size={16} />} onClick={() => void sendLoginLink()} disabled={!active}>
          Send login link
        </Menu.Item>
      )}
    </>
  );
}
