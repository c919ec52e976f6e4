import { Button, Center, Group as Row, Loader, Stack, Text, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { call, client, toApiError } from '../api';
import { GROUPS } from '../api/options';
import { queryClient, useServerData } from '../api/queries';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { SectionCard } from '../ui/SectionCard';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { StatusBadge } from '../ui/StatusBadge';
import { AddMemberForm } from './AddMemberForm';
import { GroupAppsSection } from './GroupAppsSection';
import { GroupDialog } from './GroupDialog';
import type { GroupMember } from './types';

const PAGE_SIZE = 100;
const BACK = { to: '/admin/groups', label: 'All groups' };

const failed = (title: string, err: unknown) =>
  notifications.show({ color: 'red', title, message: toApiError(err).message, autoClose: 8000 });

function memberColumns(remove: ((member: GroupMember) => void) | null): Column<GroupMember>[] {
  const columns: Column<GroupMember>[] = [
    { header: 'Name', cell: (member) => <Text fw={500} size="sm">{member.name}</Text> },
    { header: 'Email', cell: (member) => member.email },
    { header: 'Status', cell: (member) => <StatusBadge status={member.status} /> },
    { header: 'Added', cell: (member) => formatDateTime(member.addedAt) },
  ];
  if (!remove) return columns;
  return [
    ...columns,
    {
      header: <VisuallyHidden>Actions</VisuallyHidden>,
      cell: (member) => (
        <Row justify="flex-end">
          <Button size="xs" variant="light" color="red" aria-label={`Remove ${member.name}`} onClick={() => remove(member)}>
            Remove
          </Button>
        </Row>
      ),
    },
  ];
}

export function GroupDetailPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const canManage = user?.permissions.includes('groups.manage') ?? false;
  const groupKey = [...GROUPS, id];
  const { data: group, error } = useServerData(groupKey, () => call(client.GET('/api/v1/admin/groups/{id}', { params: { path: { id } } })));
  const members = usePagedList([...groupKey, 'members'], (cursor) =>
    call(client.GET('/api/v1/admin/groups/{id}/members', { params: { path: { id }, query: { limit: PAGE_SIZE, cursor } } })),
  );
  const [editing, setEditing] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  // The member count, the members and every group picker change together.
  const reload = () => queryClient.invalidateQueries({ queryKey: GROUPS });

  async function addMember(userId: string) {
    try {
      await call(client.POST('/api/v1/admin/groups/{id}/members', { params: { path: { id } }, body: { userIds: [userId] } }));
      await reload();
    } catch (err) {
      failed('Could not add the member', err);
    }
  }

  async function removeMember(member: GroupMember) {
    try {
      await call(client.DELETE('/api/v1/admin/groups/{id}/members/{userId}', { params: { path: { id, userId: member.id } } }));
      notifications.show({ color: 'green', message: `${member.name} removed from the group.` });
      await reload();
    } catch (err) {
      failed(`Could not remove ${member.name}`, err);
    }
  }

  async function deleteGroup() {
    await call(client.DELETE('/api/v1/admin/groups/{id}', { params: { path: { id } } }));
    notifications.show({ color: 'green', message: `Group “${group?.name}” deleted.` });
    queryClient.removeQueries({ queryKey: groupKey });
    void queryClient.invalidateQueries({ queryKey: GROUPS });
    navigate('/admin/groups');
  }

  if (error && !group) {
    return (
      <>
        <PageHeader title="Group" back={BACK} />
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
      <PageHeader
        back={BACK}
        title={group.name}
        description={group.description || undefined}
        actions={
          canManage && (
            <>
              <Button variant="default" onClick={() => setEditing(true)}>
                Edit group
              </Button>
              <Button variant="light" color="red" onClick={() => setConfirmingDelete(true)}>
                Delete group
              </Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        <SectionCard title="Roles members inherit">
          <RoleBadges roles={group.roles} />
        </SectionCard>
        <GroupAppsSection groupId={group.id} />

        <SectionCard title={`Members (${group.memberCount ?? members.items?.length ?? 0})`}>
          <Stack>
            {canManage && <AddMemberForm onAdd={addMember} />}
            <PagedTable
              list={members}
              columns={memberColumns(canManage ? (member) => void removeMember(member) : null)}
              rowKey={(member) => member.id}
              label="Members"
              errorTitle="Could not load the members"
              empty="Nobody is in this group yet."
              minWidth={640}
              bordered={false}
              striped
              testId="members-table"
            />
          </Stack>
        </SectionCard>
      </Stack>

      {editing && (
        <GroupDialog
          group={group}
          onClose={() => setEditing(false)}
          onSaved={() => setEditing(false)}
        />
      )}
      {confirmingDelete && (
        <ConfirmDialog
          title={`Delete ${group.name}`}
          confirmLabel="Delete group"
          color="red"
          irreversible
          onConfirm={deleteGroup}
          onClose={() => setConfirmingDelete(false)}
        >
          Its members lose the roles it carries.
        </ConfirmDialog>
      )}
    </>
  );
}
