import { Loader, Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../api';

const SEARCH_DELAY_MS = 250;
const SUGGESTIONS = 10;

type Props = Omit<SelectProps, 'data' | 'value' | 'onChange' | 'searchValue' | 'onSearchChange'> & {
  value: string | null;
  onChange: (userId: string | null) => void;
};

/** Finds one person by name, email or username through the user directory (group members, "Try it"). */
export function PersonSelect({ value, onChange, ...props }: Props) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  const found = useQuery({
    queryKey: ['users', 'search', q],
    queryFn: () => call(client.GET('/api/v1/admin/users', { params: { query: { q, limit: SUGGESTIONS } } })),
    enabled: q !== '',
    // While the next letters are looked up, the previous matches stay listed (and the chosen one stays named).
    placeholderData: keepPreviousData,
  });
  const options = q ? (found.data?.items ?? []) : [];

  return (
    <Select
      placeholder="Search by name, email or username"
      searchable
      filter={({ options: all }) => all}
      searchValue={search}
      onSearchChange={setSearch}
      data={options.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
      value={value}
      onChange={onChange}
      nothingFoundMessage={q && !found.isFetching ? 'Nobody matches' : undefined}
      rightSection={found.isFetching ? <Loader size="xs" /> : undefined}
      error={found.error?.message}
      {...props}
    />
  );
}
