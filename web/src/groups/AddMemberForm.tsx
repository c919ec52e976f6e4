import { Button, Group as Row, Loader, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { call, client, toApiError, type AdminUser } from '../api';

const SEARCH_DELAY_MS = 250;
const SUGGESTIONS = 10;

type Props = { onAdd: (userId: string) => Promise<void> };

/** Finds people by name, email or username through the user directory and adds the chosen one. */
export function AddMemberForm({ onAdd }: Props) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  const [options, setOptions] = useState<AdminUser[]>([]);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    if (!query) {
      setOptions([]);
      return;
    }
    let current = true;
    setSearching(true);
    call(client.GET('/api/v1/admin/users', { params: { query: { q: query, limit: SUGGESTIONS } } }))
      .then((page) => {
        if (!current) return;
        setOptions(page.items);
        setSearchError(null);
      })
      .catch((err: unknown) => current && setSearchError(toApiError(err).message))
      .finally(() => current && setSearching(false));
    // A slower reply to an older query must not overwrite the newer one.
    return () => {
      current = false;
    };
  }, [query]);

  async function add() {
    if (!chosen) return;
    setAdding(true);
    try {
      await onAdd(chosen);
      setChosen(null);
      setSearch('');
    } finally {
      setAdding(false);
    }
  }

  return (
    <Row align="flex-end" gap="sm">
      <Select
        label="Add a member"
        placeholder="Search by name, email or username"
        searchable
        filter={({ options: all }) => all}
        searchValue={search}
        onSearchChange={setSearch}
        data={options.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
        value={chosen}
        onChange={setChosen}
        nothingFoundMessage={query && !searching ? 'Nobody matches' : undefined}
        rightSection={searching ? <Loader size="xs" /> : undefined}
        error={searchError}
        w={420}
        maw="100%"
      />
      <Button onClick={() => void add()} disabled={!chosen} loading={adding}>
        Add
      </Button>
    </Row>
  );
}
