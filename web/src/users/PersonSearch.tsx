import { Loader, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client, toApiError } from '../api';

const SEARCH_DELAY_MS = 250;
const SUGGESTIONS = 10;

type Props = {
  label: string;
  value: string | null;
  onChange: (userId: string | null) => void;
  w?: number;
};

/**
 * Finds a person by name, email or username through the user directory. The query is keyed by the search, so a
 * slower reply to an older search can never overwrite the newer one.
 */
export function PersonSearch({ label, value, onChange, w = 420 }: Props) {
  const [search, setSearch] = useState('');
  const [query] = useDebouncedValue(search.trim(), SEARCH_DELAY_MS);
  // Choosing a person puts their label in the search box; that is not a new search.
  const [chosenLabel, setChosenLabel] = useState<string | null>(null);
  const searching = query !== '' && query !== chosenLabel;
  const people = useQuery({
    queryKey: ['users', 'search', query],
    queryFn: () => call(client.GET('/api/v1/admin/users', { params: { query: { q: query, limit: SUGGESTIONS } } })),
    enabled: searching,
    placeholderData: keepPreviousData,
  });
  const options = query ? (people.data?.items ?? []) : [];
  const optionLabel = (u: { name: string; email: string }) => `${u.name} <${u.email}>`;

  return (
    <Select
      label={label}
      placeholder="Search by name, email or username"
      searchable
      filter={({ options: all }) => all}
      searchValue={search}
      onSearchChange={setSearch}
      data={options.map((u) => ({ value: u.id, label: optionLabel(u) }))}
      value={value}
      onChange={(id, option) => {
        setChosenLabel(option?.label ?? null);
        onChange(id);
      }}
      nothingFoundMessage={searching && !people.isFetching ? 'Nobody matches' : undefined}
      rightSection={people.isFetching ? <Loader size="xs" /> : undefined}
      error={people.error ? toApiError(people.error).message : null}
      w={w}
      maw="100%"
    />
  );
}
