import { Anchor, Box, Checkbox, Group, Stack, Text } from '@mantine/core';
import { Link } from 'react-router-dom';
import { LastLogin } from '../ui/LastLogin';
import { StatusBadge } from '../ui/StatusBadge';
import { RoleMenu } from './RoleMenu';
import { SignInBadges } from './SignInBadges';
import type { UsersTableProps } from './UsersTable';
import { UserActionsMenu } from './UserActionsMenu';

/** The users table on a phone: one card per person, with the same selection, role menu and actions. */
export function UserCards({ users, emptyMessage, roles, canUpdate, selected, onSelect, onEdit, onChanged, onDeleted }: UsersTableProps) {
  const allSelected = users.length > 0 && users.every((u) => selected.has(u.id));
  const someSelected = users.some((u) => selected.has(u.id));
  if (users.length === 0) {
    return (
      <Text c="dimmed" ta="center" py="lg">
        {emptyMessage}
      </Text>
    );
  }
  return (
    <>
      <Box px="md" py="sm" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
        <Checkbox
          label="Select all users shown"
          checked={allSelected}
          indeterminate={someSelected && !allSelected}
          onChange={(event) => onSelect(users.map((u) => u.id), event.currentTarget.checked)}
        />
      </Box>
      <Box component="ul" aria-label="Users" data-testid="users-table" m={0} p={0} style={{ listStyle: 'none' }}>
        {users.map((user, index) => (
          <Box
            component="li"
            key={user.id}
            px="md"
            py="sm"
            bg={selected.has(user.id) ? 'var(--mantine-color-indigo-light)' : undefined}
            style={index > 0 ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined}
          >
            <Group wrap="nowrap" align="flex-start" gap="sm">
              <Checkbox
                mt={2}
                aria-label={`Select ${user.name}`}
                checked={selected.has(user.id)}
                onChange={(event) => onSelect([user.id], event.currentTarget.checked)}
              />
              <Stack gap={4} miw={0} style={{ flex: 1, overflowWrap: 'anywhere' }} fz="sm">
                <Anchor component={Link} to={`/admin/users/${user.id}`} fw={500} c="inherit" inherit>
                  {user.name}
                </Anchor>
                <Text inherit c="dimmed">
                  {user.status === 'revoked' ? 'Released when revoked' : user.email}
                </Text>
                <Group gap="xs">
                  <StatusBadge status={user.status} />
                  <RoleMenu user={user} roles={roles} canChange={canUpdate} onChanged={onChanged} onEditSeveral={() => onEdit(user)} />
                </Group>
                <SignInBadges user={user} />
                <Group gap={4} c="dimmed">
                  <span>Last login:</span>
                  <LastLogin at={user.lastLoginAt} />
                </Group>
              </Stack>
              <UserActionsMenu user={user} onEdit={() => onEdit(user)} onChanged={onChanged} onDeleted={onDeleted} />
            </Group>
          </Box>
        ))}
      </Box>
    </>
  );
}
