import { Anchor, Button, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, client } from '../api';
import { GROUPS } from '../api/options';
import { EMPTY } from '../format';
import { useSession } from '../session';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { usePagedList } from '../ui/usePagedList';
import { RoleBadges } from '../ui/RoleBadges';
import { GroupDialog } from './GroupDialog';
import type { Group } from './types';

const PAGE_SIZE = 100;

/** Under the key every group picker shares, so creating a group refreshes both. */
const GROUPS_PAGE = [...GROUPS, 'page'];

const listGroups = (cursor?: string) => call(client.GET('/api/v1/admin/groups', { params: { query: { limit: PAGE_SIZE, cursor } } }));

const COLUMNS: Column<Group>[] = [
  {
    header: 'Name',
    cell: (group) => (
      <Anchor component={Link} to={`/admin/groups/${group.id}`} fw={500}>
        {group.name}
      </Anchor>
    ),
  },
  {
    header: 'Description',
    cell: (group) => (
      <Text size="sm" c={group.description ? undefined : 'dimmed'}>
        {group.description || EMPTY}
      </Text>
    ),
  },
  { header: 'Roles', cell: (group) => <RoleBadges roles={group.roles} /> },
];

export function GroupsPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const canManage = user?.permissions.includes('groups.manage') ?? false;
  const list = usePagedList(GROUPS_PAGE, listGroups);
  const [creating, setCreating] = useState(false);

  return (
    <>
      <PageHeader
        title="Groups"
        description="Groups gather people; every member inherits the roles the group carries."
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New group
            </Button>
          )
        }
      />
      <Stack>
        <PagedTable
          list={list}
          columns={COLUMNS}
          rowKey={(group) => group.id}
          label="Groups"
          errorTitle="Could not load groups"
          empty="No groups yet."
          minWidth={640}
          striped
          highlightOnHover
          testId="groups-table"
        />
      </Stack>
      {creating && <GroupDialog onClose={() => setCreating(false)} onSaved={(group) => navigate(`/admin/groups/${group.id}`)} />}
    </>
  );
}
