import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client } from '../api';
import { invalidate } from '../api/queries';
import { formatDate, formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { SectionCard } from '../ui/SectionCard';
import type { LinkedProvider } from './LinkedProvidersCard';
import { useUserSso, userSsoKey } from './useUserSso';

type Props = { userId: string; userName: string; canRemove: boolean };

/** A user's page → Single sign-on: which providers they are linked to and whether those work, nothing more. */
export function UserSsoSection({ userId, userName, canRemove }: Props) {
  const { data, error } = useUserSso(userId);
  const [removing, setRemoving] = useState<LinkedProvider | null>(null);

  if (data && data.method === 'local' && data.items.length === 0) return null;

  return (
    <SectionCard title="Single sign-on">
      {error && <ErrorAlert title="Could not load the single sign-on links">{error.message}</ErrorAlert>}
      {data && data.items.length === 0 && (
        <Text size="sm" c="dimmed">
          Switched to SSO: linked automatically at {userName}’s next SSO sign-in with a verified email.
        </Text>
      )}
      {data && data.items.length > 0 && (
        <Table verticalSpacing="sm" aria-label="Linked providers">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Provider</Table.Th>
              <Table.Th>Works</Table.Th>
              <Table.Th>Linked</Table.Th>
              <Table.Th>Last used</Table.Th>
              {canRemove && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.items.map((l) => (
              <Table.Tr key={l.providerId}>
                <Table.Td fw={500}>{l.name}</Table.Td>
                <Table.Td>
                  {l.enabled ? <Badge color="green" variant="light" tt="none">Yes</Badge> : <Badge color="gray" variant="light" tt="none">Provider disabled</Badge>}
                </Table.Td>
                <Table.Td>{formatDate(l.linkedAt)}</Table.Td>
                <Table.Td>{formatDateTime(l.lastUsedAt)}</Table.Td>
                {canRemove && (
                  <Table.Td ta="right">
                    <Group justify="flex-end">
                      <Button variant="subtle" color="red" size="xs" onClick={() => setRemoving(l)} aria-label={`Remove link to ${l.name}`}>
                        Remove link
                      </Button>
                    </Group>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${userName}’s link to ${removing.name}?`}
          confirmLabel="Remove link"
          color="red"
          onConfirm={async () => {
            await call(client.DELETE('/api/v1/admin/users/{id}/sso/{providerId}', { params: { path: { id: userId, providerId: removing.providerId } } }));
            notifications.show({ color: 'green', message: `${removing.name} is no longer linked to ${userName}.` });
            setRemoving(null);
            await invalidate(userSsoKey(userId));
          }}
          onClose={() => setRemoving(null)}
        >
          {userName} will no longer be able to sign in with {removing.name} until the link is made again.
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}
