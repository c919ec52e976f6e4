import { Anchor, Button, Center, Group as Row, Loader, Paper, Stack, Table, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, toApiError, type ApiError } from '../api';
import { EMPTY } from '../format';
import type { Page } from '../roles/types';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { RoleBadges } from '../ui/RoleBadges';
import { GroupDialog } from './GroupDialog';
import type { Group } from './types';

const PAGE_SIZE = 100;

export function GroupsPage() {
  const { user } = useSession();
  const navigate = useNavigate();
  const canManage = user?.permissions.includes('groups.manage') ?? false;
  const [groups, setGroups] = useState<Group[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async (cursor: string | null) => {
    setLoading(true);
    try {
      const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) params.set('cursor', cursor);
      const page = await api<Page<Group>>('GET', `/api/v1/admin/groups?${params}`);
      setGroups((current) => (cursor && current ? [...current, ...page.items] : page.items));
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <>
      <PageHeader title="Groups" description="Groups gather people; every member inherits the roles the group carries." />
      <Stack>
        {canManage && (
          <Row justify="flex-end">
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New group
            </Button>
          </Row>
        )}
        {error && <ErrorAlert title="Could not load groups">{error.message}</ErrorAlert>}
        {!groups && !error && (
          <Center py="xl">
            <Loader aria-label="Loading groups" />
          </Center>
        )}
        {groups && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={640}>
              <Table data-testid="groups-table" striped highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th>Roles</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {groups.map((group) => (
                    <Table.Tr key={group.id}>
                      <Table.Td fw={500}>
                        <Anchor component={Link} to={`/admin/groups/${group.id}`}>
                          {group.name}
                        </Anchor>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" c={group.description ? undefined : 'dimmed'}>
                          {group.description || EMPTY}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <RoleBadges roles={group.roles} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                  {groups.length === 0 && (
                    <Table.Tr>
                      <Table.Td colSpan={3}>
                        <Text c="dimmed" ta="center" py="lg">
                          No groups yet.
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
        {nextCursor && (
          <Row justify="center">
            <Button variant="default" loading={loading} onClick={() => void load(nextCursor)}>
              Load more
            </Button>
          </Row>
        )}
      </Stack>
      {creating && <GroupDialog onClose={() => setCreating(false)} onSaved={(group) => navigate(`/admin/groups/${group.id}`)} />}
    </>
  );
}
