import { Button, Group, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { IconDownload, IconFilterOff } from '@tabler/icons-react';
import { useState } from 'react';
import type { Schemas } from '../api';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { PersonSelect } from '../ui/PersonSelect';
import { usePagedList } from '../ui/usePagedList';
import { AuditSentence } from './AuditSentence';
import { auditExportUrl, listAuditEvents, NO_FILTERS, type AuditFilters } from './auditApi';
import { ACTION_WORDS, actionLabel, fromAuditEvent } from './sentence';

type AuditEvent = Schemas['AuditEvent'];

const ACTION_OPTIONS = Object.keys(ACTION_WORDS)
  .map((action) => ({ value: action, label: `${actionLabel(action)} (${action})` }))
  .sort((a, b) => a.label.localeCompare(b.label));

const COLUMNS: Column<AuditEvent>[] = [
  { header: 'What happened', cell: (e) => <AuditSentence entry={fromAuditEvent(e)} occurredAt={e.occurredAt} /> },
];

/** Admin → Audit log: who did what to whom, newest first, filtered and exported as CSV exactly as filtered. */
export function AuditPage() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const list = usePagedList(['audit-events', filters], (cursor) => listAuditEvents(filters, cursor));
  const set = (change: Partial<AuditFilters>) => setFilters((current) => ({ ...current, ...change }));
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <>
      <PageHeader
        title="Audit log"
        description="Everything done in Foyer, by whom and to whom, newest first."
        actions={
          <Button component="a" href={auditExportUrl(filters)} download variant="default" leftSection={<IconDownload size={16} />}>
            Export CSV
          </Button>
        }
      />
      <Paper withBorder radius="md" p="md" mb="md">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
          <PersonSelect label="Done by" value={filters.actorId} onChange={(actorId) => set({ actorId })} clearable />
          <PersonSelect label="Done to" value={filters.targetId} onChange={(targetId) => set({ targetId })} clearable />
          <Select
            label="Action"
            placeholder="Any action"
            data={ACTION_OPTIONS}
            value={filters.action}
            onChange={(action) => set({ action })}
            searchable
            clearable
          />
          <TextInput label="From" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => set({ from: e.currentTarget.value })} />
          <TextInput label="To" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => set({ to: e.currentTarget.value })} />
        </SimpleGrid>
        {filtered && (
          <Group justify="flex-end" mt="sm">
            <Button variant="subtle" size="xs" leftSection={<IconFilterOff size={14} />} onClick={() => setFilters(NO_FILTERS)}>
              Clear filters
            </Button>
          </Group>
        )}
      </Paper>
      <PagedTable
        list={list}
        columns={COLUMNS}
        rowKey={(e) => e.id}
        label="Audit events"
        errorTitle="Could not load the audit log"
        empty={filtered ? 'No events match these filters.' : 'Nothing recorded yet.'}
        testId="audit-log"
      />
    </>
  );
}
