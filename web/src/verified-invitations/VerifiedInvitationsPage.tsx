import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { usePagedList } from '../ui/usePagedList';
import { CreateInvitationDialog } from './CreateInvitationDialog';
import { listInvitations } from './invitationsApi';
import { STATE_COLORS, STATE_LABELS } from './types';

export function VerifiedInvitationsPage() {
  const list = usePagedList(listInvitations);
  const { nextCursor, error, load, setItems } = list;
  const items = list.items ?? [];
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Verified invitations"
        description="High-trust invitations: you and the guest are online together and confirm each other's code before the account exists."
      />
      <Group justify="flex-end" mb="md">
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New verified invitation
        </Button>
      </Group>
      {error && <ErrorAlert title="Could not load the invitations">{error.message}</ErrorAlert>}
      <Paper withBorder>
        <Table highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Invitation</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Created by</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Link expires</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((invitation) => (
              <Table.Tr key={invitation.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/admin/verified-invitations/${invitation.id}`}>
                    {invitation.proposal.name ?? invitation.proposal.email ?? 'Unnamed guest'}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATE_COLORS[invitation.state]} variant="light">
                    {STATE_LABELS[invitation.state]}
                  </Badge>
                </Table.Td>
                <Table.Td>{invitation.createdBy?.name ?? '—'}</Table.Td>
                <Table.Td>{formatDateTime(invitation.createdAt)}</Table.Td>
                <Table.Td>{formatDateTime(invitation.expiresAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {items.length === 0 && !error && (
          <Text c="dimmed" ta="center" p="lg">
            No verified invitations yet.
          </Text>
        )}
      </Paper>
      {nextCursor && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => void load(nextCursor)}>
            Load more
          </Button>
        </Group>
      )}
      {creating && (
        <CreateInvitationDialog onClose={() => setCreating(false)} onCreated={(invitation) => setItems((current) => [invitation, ...(current ?? [])])} />
      )}
    </>
  );
}
