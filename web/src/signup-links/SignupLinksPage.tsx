import { Badge, Button, Center, Group, Loader, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { ConfirmDialog } from '../users/ConfirmDialog';
import { CreateSignupLinkDialog } from './CreateSignupLinkDialog';
import { listSignupLinks, revokeSignupLink, type SignupLink, type SignupLinkStatus } from './signupLinksApi';

const STATUS: Record<SignupLinkStatus, { label: string; color: string }> = {
  active: { label: 'Active', color: 'green' },
  expired: { label: 'Expired', color: 'gray' },
  used_up: { label: 'Used up', color: 'blue' },
  revoked: { label: 'Revoked', color: 'red' },
};

/** Users → Invite → Sign-up links: links that let people create their own account (seed 000). */
export function SignupLinksPage() {
  const { items, nextCursor, error, load } = usePagedList(listSignupLinks);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<SignupLink | null>(null);

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <PageHeader
          title="Sign-up links"
          description="Share a link and whoever follows it creates their own account and registers a passkey. Links are not tied to an email address."
        />
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Create link
        </Button>
      </Group>
      {error && <ErrorAlert title="Could not load the sign-up links">{error.message}</ErrorAlert>}
      {!items && !error && (
        <Center py="xl">
          <Loader />
        </Center>
      )}
      {items && (
        <Paper withBorder radius="md">
          {items.length === 0 ? (
            <Text c="dimmed" size="sm" p="lg">
              No sign-up links yet.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table verticalSpacing="sm" aria-label="Sign-up links">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Created by</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th>Uses</Table.Th>
                    <Table.Th>Gives</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((link) => (
                    <Table.Tr key={link.id}>
                      <Table.Td>{formatDateTime(link.createdAt)}</Table.Td>
                      <Table.Td>{link.createdBy?.name ?? '—'}</Table.Td>
                      <Table.Td>{formatDateTime(link.expiresAt)}</Table.Td>
                      <Table.Td>
                        {link.uses} / {link.maxUses ?? '∞'}
                      </Table.Td>
                      <Table.Td>
                        {link.groups.length + link.roles.length === 0 ? (
                          <Text size="sm" c="dimmed">
                            Nothing extra
                          </Text>
                        ) : (
                          <RoleBadges roles={[...link.groups, ...link.roles]} />
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={STATUS[link.status].color} tt="none">
                          {STATUS[link.status].label}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {link.status !== 'revoked' && (
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
        </Paper>
      )}
      {nextCursor && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => void load(nextCursor)}>
            Load more
          </Button>
        </Group>
      )}
      {creating && <CreateSignupLinkDialog onClose={() => setCreating(false)} onCreated={() => void load()} />}
      {revoking && (
        <ConfirmDialog
          title="Revoke this sign-up link?"
          confirmLabel="Revoke link"
          color="red"
          onConfirm={async () => {
            await revokeSignupLink(revoking.id);
            setRevoking(null);
            notifications.show({ color: 'green', message: 'The sign-up link was revoked. It stops working at once.' });
            await load();
          }}
          onClose={() => setRevoking(null)}
        >
          Nobody can sign up with it any more. Accounts already created through it stay as they are.
        </ConfirmDialog>
      )}
    </>
  );
}
