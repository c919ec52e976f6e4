import { Anchor, Center, Checkbox, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { LastLogin } from '../ui/LastLogin';
import { usePhone } from '../ui/usePhone';
import { StatusBadge } from '../ui/StatusBadge';
import { RoleMenu } from './RoleMenu';
import { SignInBadges } from './SignInBadges';
import { UserCards } from './UserCards';
import type { AdminUserDetail, Option, Sorting, UserSort } from './types';
import { UserActionsMenu } from './UserActionsMenu';

export type UsersTableProps = {
  users: AdminUserDetail[];
  emptyMessage: string;
  roles: Option[];
  canUpdate: boolean;
  sorting: Sorting;
  onSort: (sort: UserSort) => void;
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], selected: boolean) => void;
  onEdit: (user: AdminUserDetail) => void;
  onChanged: (user: AdminUserDetail) => void;
  onDeleted: (id: string) => void;
};

const COLUMNS = 8;

export function UsersTable(props: UsersTableProps) {
  const { users, emptyMessage, roles, canUpdate, sorting, onSort, selected, onSelect, onEdit, onChanged, onDeleted } = props;
  const phone = usePhone();
  if (phone) return <UserCards {...props} />;
  const allSelected = users.length > 0 && users.every((u) => selected.has(u.id));
  const someSelected = users.some((u) => selected.has(u.id));
  const sortable = (sort: UserSort, label: string) => <SortHeader sort={sort} label={label} sorting={sorting} onSort={onSort} />;

  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table data-testid="users-table" highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w={40}>
              <Checkbox
                aria-label="Select all users shown"
                checked={allSelected}
                indeterminate={someSelected && !allSelected}
                onChange={(event) => onSelect(users.map((u) => u.id), event.currentTarget.checked)}
              />
            </Table.Th>
            {sortable('name', 'Name')}
            {sortable('email', 'Email')}
            <Table.Th>Role</Table.Th>
            <Table.Th miw={200}>Sign-in</Table.Th>
            {sortable('lastLoginAt', 'Last login')}
            <Table.Th miw={90}>Status</Table.Th>
            <Table.Th w={70}>Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id} bg={selected.has(user.id) ? 'var(--mantine-color-indigo-light)' : undefined}>
              <Table.Td>
                <Checkbox
                  aria-label={`Select ${user.name}`}
                  checked={selected.has(user.id)}
                  onChange={(event) => onSelect([user.id], event.currentTarget.checked)}
                />
              </Table.Td>
              <Table.Td fw={500}>
                <Anchor component={Link} to={`/admin/users/${user.id}`} inherit c="inherit">
                  {user.name}
                </Anchor>
              </Table.Td>
              <Table.Td>
                {user.status === 'revoked' ? (
                  <Text inherit c="dimmed" title={user.email}>
                    Released when revoked
                  </Text>
                ) : (
                  user.email
                )}
              </Table.Td>
              <Table.Td>
                <RoleMenu user={user} roles={roles} canChange={canUpdate} onChanged={onChanged} onEditSeveral={() => onEdit(user)} />
              </Table.Td>
              <Table.Td>
                <SignInBadges user={user} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <LastLogin at={user.lastLoginAt} />
              </Table.Td>
              <Table.Td>
                <StatusBadge status={user.status} />
              </Table.Td>
              <Table.Td>
                <UserActionsMenu user={user} onEdit={() => onEdit(user)} onChanged={onChanged} onDeleted={onDeleted} />
              </Table.Td>
            </Table.Tr>
          ))}
          {users.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={COLUMNS}>
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

type SortHeaderProps = { sort: UserSort; label: string; sorting: Sorting; onSort: (sort: UserSort) => void };

function SortHeader({ sort, label, sorting, onSort }: SortHeaderProps): ReactNode {
  const active = sorting.sort === sort;
  const Icon = active ? (sorting.order === 'asc' ? IconChevronUp : IconChevronDown) : IconSelector;
  return (
    <Table.Th aria-sort={active ? (sorting.order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <UnstyledButton onClick={() => onSort(sort)} fw={700} fz="sm" style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
        {label}
        <Center>
          <Icon size={14} stroke={1.5} aria-hidden />
        </Center>
      </UnstyledButton>
    </Table.Th>
  );
}
