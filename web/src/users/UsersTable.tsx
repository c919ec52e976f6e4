import { Table, Text } from '@mantine/core';
import type { AdminUser } from '../api';
import { LastLogin } from '../ui/LastLogin';
import { RoleBadges } from '../ui/RoleBadges';
import { StatusBadge } from '../ui/StatusBadge';

type Props = { users: AdminUser[]; emptyMessage: string };

export function UsersTable({ users, emptyMessage }: Props) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table data-testid="users-table" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Email</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Last login</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td fw={500}>{user.name}</Table.Td>
              <Table.Td>{user.email}</Table.Td>
              <Table.Td>
                <RoleBadges roles={user.roles} />
              </Table.Td>
              <Table.Td>
                <StatusBadge status={user.status} />
              </Table.Td>
              <Table.Td>
                <LastLogin at={user.lastLoginAt} />
              </Table.Td>
            </Table.Tr>
          ))}
          {users.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>
                <Text c="dimmed" ta="center" py="lg">
                  {emptyMessage}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
