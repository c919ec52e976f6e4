import { ActionIcon, Badge, Group, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconSend, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { toApiError } from '../api';
import { formatDateTime } from '../format';
import { PagedTable, type Column } from '../ui/PagedTable';
import { SectionCard } from '../ui/SectionCard';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { describeMail, listPendingInvitations, resendInvitation, revokeInvitation, type PendingInvitation } from './invitationsApi';
import { useMailCaptured } from '../mail/mailWording';

/** The Users page invalidates this key after inviting someone, so the list reads again. */
export const PENDING_INVITATIONS = ['pending-invitations'];

type Actions = {
  sending: string | null;
  resend: (invitation: PendingInvitation) => void;
  revoke: (invitation: PendingInvitation) => void;
};

function columns({ sending, resend, revoke }: Actions): Column<PendingInvitation>[] {
  return [
    {
      header: 'Email',
      cell: (invitation) => (
        <>
          <Text size="sm">{invitation.email}</Text>
          <Text size="xs" c="dimmed">
            {invitation.name}
          </Text>
        </>
      ),
    },
    { header: 'Role', cell: (invitation) => <RoleBadges roles={invitation.roles} /> },
    { header: 'Invited by', cell: (invitation) => invitation.invitedBy?.name ?? '—' },
    { header: 'Sent', cell: (invitation) => formatDateTime(invitation.sentAt ?? invitation.createdAt) },
    {
      header: 'Expires',
      cell: (invitation) =>
        invitation.status === 'expired' ? (
          <Badge color="gray" variant="light" tt="none">
            Expired
          </Badge>
        ) : (
          formatDateTime(invitation.expiresAt)
        ),
    },
    {
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      width: 90,
      cell: (invitation) => (
        <Group gap={4} wrap="nowrap">
          <Tooltip label="Send invite again">
            <ActionIcon
              variant="subtle"
              aria-label={`Send invite to ${invitation.email} again`}
              loading={sending === invitation.id}
              onClick={() => resend(invitation)}
            >
              <IconSend size={16} />
            </ActionIcon>
          </Tooltip>
          <Tooltip label="Revoke invitation">
            <ActionIcon variant="subtle" color="red" aria-label={`Revoke invitation for ${invitation.email}`} onClick={() => revoke(invitation)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      ),
    },
  ];
}

/** Pending Invitations under the Users table (seed 004): not yet accepted, with revoke and "Send invite" again. */
export function PendingInvitations() {
  const list = usePagedList(PENDING_INVITATIONS, listPendingInvitations);
  const { error, reload } = list;
  const [revoking, setRevoking] = useState<PendingInvitation | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const captured = useMailCaptured();

  async function resend(invitation: PendingInvitation) {
    setSending(invitation.id);
    try {
      const sent = await resendInvitation(invitation.id);
      notifications.show(describeMail(invitation.email, sent.mail, sent.mailReason, captured));
      reload();
    } catch (err) {
      notifications.show({ color: 'red', title: 'The invitation was not sent', message: toApiError(err).message });
    } finally {
      setSending(null);
    }
  }

  if (error?.status === 403) return null;

  return (
    <SectionCard title="Pending invitations" mt="lg">
      <PagedTable
        list={list}
        columns={columns({ sending, resend: (invitation) => void resend(invitation), revoke: setRevoking })}
        rowKey={(invitation) => invitation.id}
        label="Pending invitations"
        errorTitle="Could not load the invitations"
        empty="No pending invitations. People you invite appear here until they accept."
        minWidth={720}
        bordered={false}
      />
      {revoking && (
        <ConfirmDialog
          title={`Revoke the invitation for ${revoking.email}?`}
          confirmLabel="Revoke invitation"
          color="red"
          onConfirm={async () => {
            await revokeInvitation(revoking.id);
            setRevoking(null);
            notifications.show({ color: 'green', message: `The invitation for ${revoking.email} was revoked.` });
            reload();
          }}
          onClose={() => setRevoking(null)}
        >
          The link in their email stops working at once. Their account stays, in Pending Setup; delete it from the Users table if
          it is no longer wanted.
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}
