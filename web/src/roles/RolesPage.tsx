import { Badge, Button, Center, Group, Loader, Paper, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { toApiError } from '../api';
import { ROLES, useRoles } from '../api/options';
import { queryClient } from '../api/queries';
import { EMPTY } from '../format';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { DeleteRoleDialog } from './DeleteRoleDialog';
import { RoleDialog, type RoleDraft } from './RoleDialog';
import { fetchPermissionAreas } from './rolesApi';
import type { Role } from './types';
import { UsersRolesTabs } from './UsersRolesTabs';

export function RolesPage() {
  const { user } = useSession();
  const canManage = user?.permissions.includes('roles.manage') ?? false;
  const grantable = new Set(user?.permissions ?? []);
  const rolesQuery = useRoles();
  const areasQuery = useQuery({ queryKey: ['permission-areas'], queryFn: fetchPermissionAreas, staleTime: Infinity });
  const roles = rolesQuery.data ?? null;
  const areas = areasQuery.data ?? [];
  const failure = rolesQuery.error ?? areasQuery.error;
  const error = failure ? toApiError(failure) : null;
  const [draft, setDraft] = useState<RoleDraft | null>(null);
  const [deleting, setDeleting] = useState<Role | null>(null);

  // Every role picker shows the same list, so they all refresh.
  const load = () => queryClient.invalidateQueries({ queryKey: ROLES });

  const copy = (role: Role) =>
    setDraft({
      mode: 'create',
      name: `${role.name} (copy)`,
      description: role.description,
      permissions: role.permissions.filter((p) => grantable.has(p)),
    });

  return (
    <>
      <PageHeader
        title="Roles"
        description="Each role is a named set of permissions. People get the union of the roles they hold."
        actions={
          canManage && (
            <Button
              leftSection={<IconPlus size={16} />}
              onClick={() => setDraft({ mode: 'create', name: '', description: '', permissions: [] })}
              disabled={!roles}
            >
              New role
            </Button>
          )
        }
      />
      <UsersRolesTabs active="/admin/roles" />
      <Stack>
        {error && <ErrorAlert title="Could not load roles">{error.message}</ErrorAlert>}
        {!roles && !error && (
          <Center py="xl">
            <Loader aria-label="Loading roles" />
          </Center>
        )}
        {roles && (
          <Paper withBorder radius="md">
            <Table.ScrollContainer minWidth={760}>
              <Table data-testid="roles-table" striped highlightOnHover verticalSpacing="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Description</Table.Th>
                    <Table.Th w={110}>Type</Table.Th>
                    <Table.Th w={120}>Permissions</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {roles.map((role) => (
                    <Table.Tr key={role.id}>
                      <Table.Td fw={500}>{role.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm" c={role.description ? undefined : 'dimmed'}>
                          {role.description || EMPTY}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        {role.builtin ? (
                          <Badge variant="light" color="gray" tt="none">
                            Built-in
                          </Badge>
                        ) : (
                          <Badge variant="light" tt="none">
                            Custom
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{role.permissions.length}</Table.Td>
                      <Table.Td>
                        <RoleActions
                          role={role}
                          canManage={canManage}
                          onView={() => setDraft({ mode: 'view', role })}
                          onEdit={() => setDraft({ mode: 'edit', role })}
                          onCopy={() => copy(role)}
                          onDelete={() => setDeleting(role)}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Paper>
        )}
      </Stack>
      {draft && (
        <RoleDialog
          draft={draft}
          areas={areas}
          onClose={() => setDraft(null)}
          onSaved={() => {
            setDraft(null);
            void load();
          }}
        />
      )}
      {deleting && roles && (
        <DeleteRoleDialog
          role={deleting}
          roles={roles}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            void load();
          }}
        />
      )}
    </>
  );
}

type ActionsProps = {
  role: Role;
  canManage: boolean;
  onView: () => void;
  onEdit: () => void;
  onCopy: () => void;
  onDelete: () => void;
};

function RoleActions({ role, canManage, onView, onEdit, onCopy, onDelete }: ActionsProps) {
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      {role.builtin || !canManage ? (
        <Button size="xs" variant="default" onClick={onView} aria-label={`View ${role.name}`}>
          View
        </Button>
      ) : (
        <Button size="xs" variant="default" onClick={onEdit} aria-label={`Edit ${role.name}`}>
          Edit
        </Button>
      )}
      {canManage && (
        <Button size="xs" variant="default" onClick={onCopy} aria-label={`Copy ${role.name}`}>
          Copy
        </Button>
      )}
      {canManage && !role.builtin && (
        <Button size="xs" variant="light" color="red" onClick={onDelete} aria-label={`Delete ${role.name}`}>
          Delete
        </Button>
      )}
    </Group>
  );
}
