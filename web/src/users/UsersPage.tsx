import { Button, Center, CloseButton, Group, Loader, Paper, Stack, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { UsersTable } from './UsersTable';
import { useUserList } from './useUserList';

const SEARCH_DELAY_MS = 300;

export function UsersPage() {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  const { items, nextCursor, loading, error, loadMore } = useUserList(query);
  const firstLoad = loading && items.length === 0;
  const showTable = !firstLoad && !(error && items.length === 0);

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
      <PageHeader title="Users" description="Everyone who has an account on this Foyer instance." />
      <Stack>
        <TextInput
          label="Search users"
          placeholder="Name, email or username"
          leftSection={<IconSearch size={16} />}
          rightSection={searchStatus}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          maw={420}
        />
        {error && <ErrorAlert title="Could not load users">{error.message}</ErrorAlert>}
        {firstLoad && (
          <Center py="xl">
            <Loader />
          </Center>
        )}
        {showTable && (
          <Paper withBorder radius="md">
            <UsersTable users={items} emptyMessage={query ? `No users match “${query}”.` : 'No users yet.'} />
          </Paper>
        )}
        {nextCursor && (
          <Group justify="center">
            <Button variant="default" onClick={loadMore} loading={loading}>
              Load more
            </Button>
          </Group>
        )}
      </Stack>
    </>
  );
}
