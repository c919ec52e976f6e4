import { Anchor, Badge, Button } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../format';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { usePagedList } from '../ui/usePagedList';
import { CreateInvitationDialog } from './CreateInvitationDialog';
import { listInvitations } from './invitationsApi';
import { STATE_COLORS, STATE_LABELS, type HostInvitation } from './types';

const COLUMNS: Column<HostInvitation>[] = [
  {
    header: 'Invitation',
    cell: (invitation) => (
      <Anchor component={Link} to={`/admin/verified-invitations/${invitation.id}`}>
        {invitation.proposal.name ?? invitation.proposal.email ?? 'Unnamed guest'}
      </Anchor>
    ),
  },
  {
    header: 'Status',
    cell: (invitation) => (
      <Badge color={STATE_COLORS[invitation.state]} variant="light">
        {STATE_LABELS[invitation.state]}
      </Badge>
    ),
  },
  { header: 'Created by', cell: (invitation) => invitation.createdBy?.name ?? '—' },
  { header: 'Created', cell: (invitation) => formatDateTime(invitation.createdAt) },
  { header: 'Link expires', cell: (invitation) => formatDateTime(invitation.expiresAt) },
];

export function VerifiedInvitationsPage() {
  // Guests move their invitations along from their own devices, so the list asks again every few seconds.
  const list = usePagedList(['verified-invitations'], listInvitations, { refetchInterval: 5000 });
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Verified invitations"
        description="High-trust invitations: you and the guest are online together and confirm each other's code before the account exists."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New verified invitation
          </Button>
        }
      />
      <PagedTable
        list={list}
        columns={COLUMNS}
        rowKey={(invitation) => invitation.id}
        label="Verified invitations"
        errorTitle="Could not load the invitations"
        empty="No verified invitations yet."
        minWidth={720}
        highlightOnHover
      />
      {creating && (
        <CreateInvitationDialog onClose={() => setCreating(false)} onCreated={(invitation) => list.updateItems((current) => [invitation, ...current])} />
      )}
    </>
  );
}
