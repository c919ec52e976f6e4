import { Anchor, Button, Center, Group as Row, Loader, Modal, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, toApiError, type ApiError } from '../api';
import { formatDateTime } from '../format';
import type { Page } from '../roles/types';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { RoleBadges } from '../ui/RoleBadges';
import { StatusBadge } from '../ui/StatusBadge';
import { AddMemberForm } from './AddMemberForm';
import { GroupDialog } from './GroupDialog';
import type { Group, GroupMember } from './types';

const PAGE_SIZE = 100;

const failed = (title: string, err: unknown) =>
  notifications.show({ color: 'red', title, message: toApiError(err).message, autoClose: 8000 });

export function GroupDetailPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const canManage = user?.permissions.includes('groups.manage') ?? false;
  const [group, setGroup] = useState<Group | null>(null);
  const [members, setMembers] = useState<GroupMember[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  const loadGroup = useCallback(async () => {
    try {
      setGroup(await api<Group>('GET', `/api/v1/admin/groups/${id}`));
    } catch (err) {
      setError(toApiError(err));
    }
  }, [id]);

  const loadMembers = useCallback(
    async (cursor: string | null) => {
      try {
        const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
        if (cursor) params.set('cursor', cursor);
        const page = await api<Page<GroupMember>>('GET', `/api/v1/admin/groups/${id}/members?${params}`);
        setMembers((current) => (cursor ? [...current, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (err) {
        setError(toApiError(err));
      }
    },
    [id],
  );

  const reload = useCallback(() => Promise.all([loadGroup(), loadMembers(null)]), [loadGroup, loadMembers]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function addMember(userId: string) {
    try {
      await api('POST', `/api/v1/admin/groups/${id}/members`, { userIds: [userId] });
      await reload();
    } catch (err) {
      failed('Could not add the member', err);
    }
  }

  async function removeMember(member: GroupMember) {
    try {
      await api('DELETE', `/api/v1/admin/groups/${id}/members/${member.id}`);
      notifications.show({ color: 'green', message: `${member.name} removed from the group.` });
      await reload();
    } catch (err) {
      failed(`Could not remove ${member.name}`, err);
    }
  }

  async function deleteGroup() {
    try {
      await api('DELETE', `/api/v1/admin/groups/${id}`);
      notifications.show({ color: 'green', message: `Group “${group?.name}” deleted.` });
      navigate('/admin/groups');
    } catch (err) {
      setConfirmingDelete(false);
      failed('Could not delete the group', err);
    }
  }

  const back = (
    <Anchor component={Link} to="/admin/groups" size="sm" mb="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4 }}>
      <IconArrowLeft size={14} /> All groups
    </Anchor>
  );

  if (error && !group) {
    return (
      <>
        {back}
        <PageHeader title="Group" />
        <ErrorAlert title="Could not load the group">{error.message}</ErrorAlert>
      </>
    );
  }
  if (!group) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading group" />
      </Center>
    );
  }

  return (
    <>
      {back}
      <Row justify="space-between" align="flex-start">
        <PageHeader title={group.name} description={group.description || undefined} />
        {canManage && (
          <Row gap="xs">
            <Button variant="default" onClick={() => setEditing(true)}>
              Edit group
            </Button>
            <Button variant="light" color="red" onClick={() => setConfirmingDelete(true)}>
              Delete group
            </Button>
          </Row>
        )}
      </Row>
      <Stack gap="lg">
        <Paper withBorder radius="md" p="lg">
          <Title order={2} fz="h4" mb="xs">
            Roles members inherit
          </Title>
          <RoleBadges roles={group.roles} />
        </Paper>

        <Paper withBorder radius="md" p="lg">
          <Stack>
            <Title order={2} fz="h4">
              Members ({group.memberCount ?? members.length})
            </Title>
            {canManage && <AddMemberForm onAdd={addMember} />}
            {error && <ErrorAlert title="Could not load the members">{error.message}</ErrorAlert>}
            <Table.ScrollContainer minWidth={640}>
              <Table data-testid="members-table" striped verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Added</Table.Th>
                    {canManage && (
                      <Table.Th>
                        <VisuallyHidden>Actions</VisuallyHidden>
                      </Table.Th>
                    )}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {members.map((member) => (
                    <Table.Tr key={member.id}>
                      <Table.Td fw={500}>{member.name}</Table.Td>
                      <Table.Td>{member.email}</Table.Td>
                      <Table.Td>
                        <StatusBadge status={member.status} />
                      </Table.Td>
                      <Table.Td>{formatDateTime(member.addedAt)}</Table.Td>
                      {canManage && (
                        <Table.Td ta="right">
                          <Button
                            size="xs"
                            variant="light"
                            color="red"
                            aria-label={`Remove ${member.name}`}
                            onClick={() => void removeMember(member)}
                          >
                            Remove
                          </Button>
                        </Table.Td>
                      )}
                    </Table.Tr>
                  ))}
                  {members.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={canManage ? 5 : 4}>
                        <Text c="dimmed" ta="center" py="lg">
                          Nobody is in this group yet.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {nextCursor && (
              <Row justify="center">
                <Button variant="default" onClick={() => void loadMembers(nextCursor)}>
                  Load more
                </Button>
              </Row>
            )}
          </Stack>
        </Paper>
      </Stack>

      {editing && (
        <GroupDialog
          group={group}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            setGroup(saved);
          }}
        />
      )}
      <Modal opened={confirmingDelete} onClose={() => setConfirmingDelete(false)} title={`Delete ${group.name}`}>
        <Stack>
          <Text>Its members lose the roles it carries. Deleting a group cannot be undone.</Text>
          <Row justify="flex-end">
            <Button variant="default" onClick={() => setConfirmingDelete(false)}>
              Cancel
            </Button>
            <Button color="red" onClick={() => void deleteGroup()}>
              Delete group
            </Button>
          </Row>
        </Stack>
      </Modal>
    </>
  );
}
