import { ActionIcon, Badge, Button, Group, Paper, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiError } from '../api';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { ConfirmDialog } from '../users/ConfirmDialog';
import { describeMail, listPendingInvitations, resendInvitation, revokeInvitation, type PendingInvitation } from './invitationsApi';

type Props = {
  /** Changes whenever the Users page invited someone, so the list reads again. */
  version: number;
};

/** Pending Invitations under the Users table (seed 004): not yet accepted, with revoke and "Send invite" again. */
export function PendingInvitations({ version }: Props) {
  const list = usePagedList(listPendingInvitations, version);
  const { nextCursor, error, load } = list;
  const items = list.items ?? [];
  const [revoking, setRevoking] = useState<PendingInvitation | null>(null);
  const [sending, setSending] = useState<string | null>(null);

  async function resend(invitation: PendingInvitation) {
    setSending(invitation.id);
    try {
      const sent = await resendInvitation(invitation.id);
      notifications.show(describeMail(invitation.email, sent.mail, sent.mailReason));
      await load();
    } catch (err) {
      notifications.show({ color: 'red', title: 'The invitation was not sent', message: toApiError(err).message });
    } finally {
      setSending(null);
    }
  }

  if (error?.status === 403) return null;

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label="Pending invitations" mt="lg">
      <Title order={2} fz="h4" mb="md">
        Pending invitations
      </Title>
      {error && <ErrorAlert title="Could not load the invitations">{error.message}</ErrorAlert>}
      {!error && items.length === 0 && (
        <Text size="sm" c="dimmed">
          No pending invitations. People you invite appear here until they accept.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Email</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Invited by</Table.Th>
                <Table.Th>Sent</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th w={90}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>
                    <Text size="sm">{invitation.email}</Text>
                    <Text size="xs" c="dimmed">
                      {invitation.name}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <RoleBadges roles={invitation.roles} />
                  </Table.Td>
                  <Table.Td>{invitation.invitedBy?.name ?? '—'}</Table.Td>
                  <Table.Td>{formatDateTime(invitation.sentAt ?? invitation.createdAt)}</Table.Td>
                  <Table.Td>
                    {invitation.status === 'expired' ? (
                      <Badge color="gray" variant="light" tt="none">
                        Expired
                      </Badge>
                    ) : (
                      formatDateTime(invitation.expiresAt)
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <Tooltip label="Send invite again">
                        <ActionIcon
                          variant="subtle"
                          aria-label={`Send invite to ${invitation.email} again`}
                          loading={sending === invitation.id}
                          onClick={() => void resend(invitation)}
                        >
                          <IconSend size={16} />
                        </ActionIcon>
                      </Tooltip>
                      <Tooltip label="Revoke invitation">
                        <ActionIcon variant="subtle" color="red" aria-label={`Revoke invitation for ${invitation.email}`} onClick={() => setRevoking(invitation)}>
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {nextCursor && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => void load(nextCursor)}>
            Load more
          </Button>
        </Group>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke the invitation for ${revoking.email}?`}
          confirmLabel="Revoke invitation"
          color="red"
          onConfirm={async () => {
            await revokeInvitation(revoking.id);
            setRevoking(null);
            notifications.show({ color: 'green', message: `The invitation for ${revoking.email} was revoked.` });
            await load();
          }}
          onClose={() => setRevoking(null)}
        >
          The link in their email stops working at once. Their account stays, in Pending Setup; delete it from the Users table if
          it is no longer wanted.
        </ConfirmDialog>
      )}
    </Paper>
  );
}
