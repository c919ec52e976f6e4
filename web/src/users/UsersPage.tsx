import { Button, Center, CloseButton, Group, Loader, Paper, Select, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconFileImport, IconPlus, IconSearch } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AuthMethod, UserStatus } from '../api';
import { useGroups, useRoles } from '../api/options';
import { queryClient } from '../api/queries';
import { InviteButton } from '../invitations/InviteButton';
import { PENDING_INVITATIONS, PendingInvitations } from '../invitations/PendingInvitations';
import { UsersRolesTabs } from '../roles/UsersRolesTabs';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { usePagedList } from '../ui/usePagedList';
import { BulkActions } from './BulkActions';
import { AUTH_LABELS, STATUS_LABELS } from './labels';
import type { AdminUserDetail, Sorting, UserFilters, UserSort } from './types';
import { UserFormDialog } from './UserFormDialog';
import { UsersTable } from './UsersTable';
import { listUsers, USERS } from './usersApi';

const SEARCH_DELAY_MS = 300;
const DEFAULT_SORTING: Sorting = { sort: 'createdAt', order: 'asc' };

const options = <T extends string>(labels: Record<T, string>) => Object.entries<string>(labels).map(([value, label]) => ({ value, label }));

export function UsersPage() {
  const { user: me } = useSession();
  const can = (permission: string) => me?.permissions.includes(permission) ?? false;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  const [status, setStatus] = useState<UserStatus | null>(null);
  const [role, setRole] = useState<string | null>(null);
  const [group, setGroup] = useState<string | null>(null);
  const [authMethod, setAuthMethod] = useState<AuthMethod | null>(null);
  const [sorting, setSorting] = useState<Sorting>(DEFAULT_SORTING);
  const filters: UserFilters = useMemo(() => ({ q, status, role, group, authMethod }), [q, status, role, group, authMethod]);
  const list = usePagedList([...USERS, filters, sorting], (cursor) => listUsers(filters, sorting, cursor));
  const { loading, error, hasMore, loadMore } = list;
  const items = list.items ?? [];
  const { roles } = useRoles();
  const { groups } = useGroups();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [editing, setEditing] = useState<AdminUserDetail | 'new' | null>(null);

  // Every loaded filter and sort of the directory is stale after a change made here.
  const reload = () => void queryClient.invalidateQueries({ queryKey: USERS });
  const replace = (user: AdminUserDetail) => list.updateItems((users) => users.map((u) => (u.id === user.id ? user : u)));
  const remove = (id: string) => list.updateItems((users) => users.filter((u) => u.id !== id));

  // A bulk action must only ever touch people the admin can see in the table.
  useEffect(() => setSelected(new Set()), [filters]);

  const select = useCallback((ids: string[], on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);

  const sortBy = (sort: UserSort) =>
    setSorting((current) =>
      current.sort !== sort ? { sort, order: sort === 'lastLoginAt' ? 'desc' : 'asc' } : { sort, order: current.order === 'asc' ? 'desc' : 'asc' },
    );

  const deleted = (id: string) => {
    remove(id);
    select([id], false);
  };

  const firstLoad = loading && items.length === 0;
  const showTable = !firstLoad && !(error && items.length === 0);
  const filtered = Boolean(q || status || role || group || authMethod);
  const selectedUsers = items.filter((u) => selected.has(u.id));

  if (error?.status === 403) {
    return (
      <>
        <PageHeader title="Users" />
        <ErrorAlert title="You cannot view the user list">{error.message}</ErrorAlert>
      </>
    );
  }

  const searchStatus = loading && !firstLoad ? (
    <Loader size="xs" />
  ) : (
    search && <CloseButton size="sm" aria-label="Clear search" onClick={() => setSearch('')} />
  );

  return (
    <>
      <PageHeader
        title="Users"
        description="Everyone who has an account on this Foyer instance."
        actions={
          can('users.create') && (
            <>
              <Button component={Link} to="/admin/users/import" variant="default" leftSection={<IconFileImport size={16} />}>
                Import CSV
              </Button>
              <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
                Add user
              </Button>
              {can('invitations.manage') && (
                <InviteButton
                  onInvited={() => {
                    reload();
                    void queryClient.invalidateQueries({ queryKey: PENDING_INVITATIONS });
                  }}
                />
              )}
            </>
          )
        }
      />
      <UsersRolesTabs active="/admin/users" />
      <Stack>
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search users"
            placeholder="Name, email or username"
            leftSection={<IconSearch size={16} />}
            rightSection={searchStatus}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={300}
          />
          <Select label="Status" placeholder="Any" data={options(STATUS_LABELS)} value={status} onChange={(v) => setStatus(v as UserStatus | null)} clearable w={140} />
          <Select label="Role" placeholder="Any" data={roles.map((r) => ({ value: r.id, label: r.name }))} value={role} onChange={setRole} clearable searchable w={170} />
          <Select label="Group" placeholder="Any" data={groups.map((g) => ({ value: g.id, label: g.name }))} value={group} onChange={setGroup} clearable searchable w={170} />
          <Select label="Auth" placeholder="Any" data={options(AUTH_LABELS)} value={authMethod} onChange={(v) => setAuthMethod(v as AuthMethod | null)} clearable w={170} />
        </Group>
        {selectedUsers.length > 0 && can('users.update') && (
          <BulkActions selected={selectedUsers} roles={roles} groups={groups} onDone={reload} onClear={() => setSelected(new Set())} />
        )}
        {error && <ErrorAlert title="Could not load users">{error.message}</ErrorAlert>}
        {firstLoad && (
          <Center py="xl">
            <Loader />
          </Center>
        )}
        {showTable && (
          <Paper withBorder radius="md">
            <UsersTable
              users={items}
              emptyMessage={filtered ? 'No users match these filters.' : 'No users yet.'}
              roles={roles}
              canUpdate={can('users.update')}
              sorting={sorting}
              onSort={sortBy}
              selected={selected}
              onSelect={select}
              onEdit={setEditing}
              onChanged={replace}
              onDeleted={deleted}
            />
          </Paper>
        )}
        {hasMore && (
          <Group justify="center">
            <Button variant="default" onClick={loadMore} loading={loading}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
      {can('invitations.manage') && <PendingInvitations />}
      {editing && (
        <UserFormDialog
          user={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            if (editing === 'new') reload();
            else replace(saved);
          }}
        />
      )}
    </>
  );
}
