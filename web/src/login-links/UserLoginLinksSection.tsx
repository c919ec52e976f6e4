import { Alert, Badge, Button, CopyButton, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client, toApiError, type Schemas } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { formatDateTime } from '../format';
import { describeMail, sendInviteToUser } from '../invitations/invitationsApi';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';
import { mailOnItsWay, useMailCaptured } from '../mail/mailWording';
import { USERS } from '../users/usersApi';

type LoginLink = Schemas['LoginLink'];

type Props = {
  user: { id: string; name: string; email: string; status: string; emailVerified: boolean };
  canUpdate: boolean;
  canInvite: boolean;
};

const STATUS_COLORS: Record<LoginLink['status'], string> = { active: 'green', used: 'blue', expired: 'gray', revoked: 'red' };
const STATUS_LABELS: Record<LoginLink['status'], string> = { active: 'Active', used: 'Used', expired: 'Expired', revoked: 'Revoked' };

/** A user's page → Getting in: "Send invite" while unconfirmed, one-time login links (send, copy, list, revoke). */
export function UserLoginLinksSection({ user, canUpdate, canInvite }: Props) {
  const captured = useMailCaptured();
  const linksKey = [...USERS, user.id, 'login-links'];
  const { data: links, error } = useServerData(linksKey, async () =>
    (await call(client.GET('/api/v1/admin/users/{id}/login-links', { params: { path: { id: user.id } } }))).items,
  );
  const load = () => invalidate(linksKey);
  const [busy, setBusy] = useState<'send' | 'copy' | 'invite' | null>(null);
  const [copyUrl, setCopyUrl] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<LoginLink | null>(null);

  async function issue(send: boolean) {
    setBusy(send ? 'send' : 'copy');
    try {
      const issued = await call(client.POST('/api/v1/admin/users/{id}/login-link', { params: { path: { id: user.id } }, body: { send } }));
      if (issued.url) setCopyUrl(issued.url);
      else if (issued.mail === 'blocked') notifications.show({ color: 'orange', title: 'The login link was not sent', message: issued.mailReason ?? '' });
      else notifications.show({ color: 'green', message: mailOnItsWay('A one-time login link', user.email, captured) });
      await load();
    } catch (err) {
      notifications.show({ color: 'red', title: 'No login link was issued', message: toApiError(err).message });
    } finally {
      setBusy(null);
    }
  }

  async function invite() {
    setBusy('invite');
    try {
      const sent = await sendInviteToUser(user.id);
      notifications.show(describeMail(user.email, sent.mail, sent.mailReason, captured));
    } catch (err) {
      notifications.show({ color: 'red', title: 'The invitation was not sent', message: toApiError(err).message });
    } finally {
      setBusy(null);
    }
  }

  /** From the confirmation, which shows the server's reason when it refuses. */
  async function revoke(link: LoginLink) {
    await call(client.DELETE('/api/v1/admin/users/{id}/login-links/{linkId}', { params: { path: { id: user.id, linkId: link.id } } }));
    notifications.show({ color: 'green', message: 'The login link was revoked.' });
    setRevoking(null);
    await load();
  }

  const active = user.status === 'active';

  return (
    <SectionCard
      title="Getting in"
      actions={
        <Group gap="xs">
          {canInvite && (
            <Button
              variant="default"
              size="xs"
              onClick={() => void invite()}
              loading={busy === 'invite'}
              disabled={user.emailVerified || !active}
              title={user.emailVerified ? 'Their email is confirmed: they use Forgot password instead.' : undefined}
            >
              Send invite
            </Button>
          )}
          {canUpdate && (
            <>
              <Button variant="default" size="xs" onClick={() => void issue(false)} loading={busy === 'copy'} disabled={!active}>
                Copy login link
              </Button>
              <Button size="xs" onClick={() => void issue(true)} loading={busy === 'send'} disabled={!active}>
                Send login link
              </Button>
            </>
          )}
        </Group>
      }
    >
      <Text size="sm" c="dimmed" mb="sm">
        A one-time login link lets {user.name} in once, for example after losing their passkey; they are then asked to register a
        new one.
      </Text>
      {error && <ErrorAlert title="Could not load the login links">{error.message}</ErrorAlert>}
      {links && links.length === 0 && (
        <Text size="sm" c="dimmed">
          No login links were issued.
        </Text>
      )}
      {links && links.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Login links">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Issued</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Delivery</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {links.map((link) => (
                <Table.Tr key={link.id}>
                  <Table.Td>{formatDateTime(link.createdAt)}</Table.Td>
                  <Table.Td>{link.createdBy?.name ?? '—'}</Table.Td>
                  <Table.Td>{link.sentTo ? `Emailed to ${link.sentTo}` : 'Copied'}</Table.Td>
                  <Table.Td>{formatDateTime(link.expiresAt)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATUS_COLORS[link.status]} tt="none">
                      {STATUS_LABELS[link.status]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    {canUpdate && link.status === 'active' && (
                      <Button variant="subtle" color="red" size="xs" onClick={() => setRevoking(link)}>
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${user.name}’s login link?`}
          confirmLabel="Revoke link"
          color="red"
          onConfirm={() => revoke(revoking)}
          onClose={() => setRevoking(null)}
        >
          The link issued {formatDateTime(revoking.createdAt)} ({revoking.sentTo ? `emailed to ${revoking.sentTo}` : 'copied'}) stops working at
          once. {user.name} keeps their account and can be sent a new link.
        </ConfirmDialog>
      )}
      {copyUrl && (
        <Modal opened onClose={() => setCopyUrl(null)} title="One-time login link">
          <Stack>
            <Alert color="yellow">Whoever opens this link is signed in as {user.name}. Hand it over only to them. It is shown only now.</Alert>
            <TextInput label="Login link" value={copyUrl} readOnly onFocus={(e) => e.currentTarget.select()} />
            <Group justify="flex-end">
              <CopyButton value={copyUrl}>
                {({ copied, copy }) => (
                  <Button color={copied ? 'green' : undefined} onClick={copy}>
                    {copied ? 'Copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
              <Button variant="default" onClick={() => setCopyUrl(null)}>
                Done
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </SectionCard>
  );
}
