import { Badge, Button, Center, Checkbox, Group, List, Loader, Paper, Select, Stack, Switch, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconSearch, IconX } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { toApiError } from '../api';
import { queryClient } from '../api/queries';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { usePagedList } from '../ui/usePagedList';
import {
  ACCESS_REQUESTS,
  decideAccessRequests,
  LIVE_REFRESH_MS,
  describeResult,
  listAccessRequests,
  restoreAccessRequest,
  type AccessRequest,
  type AccessRequestQuery,
  type DecisionResult,
} from './accessRequestsApi';
import { ApproveDialog, type Grant } from './ApproveDialog';
import { RegistrationSettingsCard } from './RegistrationSettingsCard';
import { useMailCaptured } from '../mail/mailWording';
import { ConfirmDialog } from '../ui/ConfirmDialog';

const STATUS_OPTIONS = [
  { value: 'pending', label: 'Pending' },
  { value: 'approved', label: 'Approved' },
];

export function AccessRequestsPage() {
  const { user } = useSession();
  const can = (permission: string) => user?.permissions.includes(permission) ?? false;
  const canApprove = can('users.create') && can('access_requests.approve');
  const canDecline = can('access_requests.approve');
  const captured = useMailCaptured();

  // The administrators' notice links here with `?q=<email>`, which opens the list on that one request.
  const [searchParams] = useSearchParams();
  const [filters, setFilters] = useState<AccessRequestQuery>({ q: searchParams.get('q') ?? '', status: 'pending', deleted: false });
  const [q] = useDebouncedValue(filters.q, 250);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<{ action: 'approve' | 'decline'; requests: AccessRequest[] } | null>(null);

  const query = { ...filters, q };
  // The status filter belongs to the live list; the deleted list shows every declined request.
  const shown: AccessRequestQuery = { q, status: filters.deleted ? null : filters.status, deleted: filters.deleted };
  const list = usePagedList([...ACCESS_REQUESTS, shown], (cursor) => listAccessRequests(shown, cursor), { refetchInterval: LIVE_REFRESH_MS });
  const { loading, hasMore, loadMore } = list;
  const items = list.items ?? [];
  const error = list.error?.message ?? null;
  const load = () => queryClient.invalidateQueries({ queryKey: ACCESS_REQUESTS });

  useEffect(() => setSelected(new Set()), [q, filters.status, filters.deleted]);

  /** From the confirming dialog, which shows the server's reason when the whole decision is refused. */
  async function decide(action: 'approve' | 'decline', requests: AccessRequest[], grant?: Grant) {
    const { results } = await decideAccessRequests(action, requests.map((r) => r.id), grant);
    showResults(action, results, requests, captured);
    setAsking(null);
    setSelected(new Set());
    await load();
  }
  const ask = (action: 'approve' | 'decline', ids: string[]) => setAsking({ action, requests: items.filter((r) => ids.includes(r.id)) });

  async function restore(request: AccessRequest) {
    setBusy(true);
    try {
      await restoreAccessRequest(request.id);
      notifications.show({ color: 'green', message: `The request from ${request.name} is back in the list.` });
      await load();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not restore', message: toApiError(err).message });
    } finally {
      setBusy(false);
    }
  }

  const select = (ids: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  const chosen = [...selected];
  const allSelected = items.length > 0 && items.every((r) => selected.has(r.id));
  const live = !query.deleted;

  return (
    <>
      <PageHeader title="Access requests" description="People who asked to join. Approving invites them; declining is silent." />
      <Stack gap="lg">
        {can('settings.manage') && <RegistrationSettingsCard />}
        <Paper withBorder radius="md" p="md">
          <Stack>
            <Group align="flex-end" wrap="wrap">
              <TextInput
                label="Search"
                placeholder="Name or email"
                leftSection={<IconSearch size={16} />}
                value={filters.q}
                onChange={(event) => setFilters({ ...filters, q: event.currentTarget.value })}
                w={260}
              />
              {live && (
                <Select
                  label="Status"
                  placeholder="Any"
                  data={STATUS_OPTIONS}
                  value={filters.status}
                  onChange={(value) => setFilters({ ...filters, status: value as AccessRequestQuery['status'] })}
                  clearable
                  w={160}
                />
              )}
              {can('access_requests.view_deleted') && (
                <Switch
                  label="Show deleted"
                  checked={filters.deleted}
                  onChange={(event) => setFilters({ ...filters, deleted: event.currentTarget.checked })}
                  mb={8}
                />
              )}
              {live && (canApprove || canDecline) && (
                <Group ml="auto" gap="xs">
                  {canApprove && (
                    <Button leftSection={<IconCheck size={16} />} disabled={chosen.length === 0} loading={busy} onClick={() => ask('approve', chosen)}>
                      Approve{chosen.length > 0 ? ` (${chosen.length})` : ''}
                    </Button>
                  )}
                  {canDecline && (
                    <Button
                      variant="default"
                      leftSection={<IconX size={16} />}
                      disabled={chosen.length === 0 || busy}
                      onClick={() => ask('decline', chosen)}
                    >
                      Decline{chosen.length > 0 ? ` (${chosen.length})` : ''}
                    </Button>
                  )}
                </Group>
              )}
            </Group>

            {error && <ErrorAlert title="Could not load the access requests">{error}</ErrorAlert>}
            <Table.ScrollContainer minWidth={820}>
              <Table highlightOnHover verticalSpacing="sm" aria-label="Access requests">
                <Table.Thead>
                  <Table.Tr>
                    {live && (
                      <Table.Th w={40}>
                        <Checkbox
                          aria-label="Select all requests shown"
                          checked={allSelected}
                          indeterminate={!allSelected && items.some((r) => selected.has(r.id))}
                          onChange={(event) => select(items.map((r) => r.id), event.currentTarget.checked)}
                        />
                      </Table.Th>
                    )}
                    <Table.Th>Person</Table.Th>
                    <Table.Th>Message</Table.Th>
                    <Table.Th w={170}>{live ? 'Requested' : 'Declined'}</Table.Th>
                    <Table.Th w={110}>Status</Table.Th>
                    <Table.Th w={110} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((request) => (
                    <Table.Tr key={request.id} bg={selected.has(request.id) ? 'var(--mantine-color-indigo-light)' : undefined}>
                      {live && (
                        <Table.Td>
                          <Checkbox
                            aria-label={`Select ${request.name}`}
                            checked={selected.has(request.id)}
                            onChange={(event) => select([request.id], event.currentTarget.checked)}
                          />
                        </Table.Td>
                      )}
                      <Table.Td>
                        <Text fw={600} size="sm">
                          {request.name}
                        </Text>
                        <Group gap={6}>
                          <Text size="sm" c="dimmed">
                            {request.email}
                          </Text>
                          {request.accountExists && (
                            <Badge size="xs" color="orange" variant="light" tt="none">
                              Has an account
                            </Badge>
                          )}
                          {request.source === 'sso' && (
                            <Badge size="xs" color="blue" variant="light" tt="none">
                              Verified by SSO
                            </Badge>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2} c={request.message ? undefined : 'dimmed'}>
                          {request.message || 'No message'}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDateTime(live ? request.requestedAt : request.deletedAt)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <RequestStatus request={request} />
                      </Table.Td>
                      <Table.Td>
                        {live && request.accountExists && request.status !== 'approved' && canDecline && (
                          <Button size="xs" variant="subtle" disabled={busy} onClick={() => ask('decline', [request.id])} aria-label={`Clear the request from ${request.name}`}>
                            Clear
                          </Button>
                        )}
                        {!live && can('access_requests.restore') && (
                          <Button size="xs" variant="light" disabled={busy} onClick={() => void restore(request)} aria-label={`Restore the request from ${request.name}`}>
                            Restore
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {loading && (
              <Center py="md">
                <Loader size="sm" />
              </Center>
            )}
            {!loading && items.length === 0 && !error && (
              <Text c="dimmed" ta="center" py="md">
                {query.deleted ? 'No declined requests.' : query.q || query.status ? 'No requests match these filters.' : 'No access requests yet.'}
              </Text>
            )}
            {hasMore && !loading && (
              <Center>
                <Button variant="default" onClick={loadMore}>
                  Load more
                </Button>
              </Center>
            )}
          </Stack>
        </Paper>
      </Stack>
      {asking?.action === 'approve' && (
        <ApproveDialog requests={asking.requests} onApprove={(grant) => decide('approve', asking.requests, grant)} onClose={() => setAsking(null)} />
      )}
      {asking?.action === 'decline' && (
        <ConfirmDialog
          title={asking.requests.length === 1 ? `Decline the request from ${asking.requests[0]!.name}?` : `Decline ${asking.requests.length} requests?`}
          confirmLabel="Decline"
          color="red"
          onConfirm={() => decide('decline', asking.requests)}
          onClose={() => setAsking(null)}
        >
          {asking.requests.map((r) => `${r.name} <${r.email}>`).join(', ')}: the request is removed from the list and nobody is
          told. An account that was only waiting for this decision is deleted with it.
        </ConfirmDialog>
      )}
    </>
  );
}

function RequestStatus({ request }: { request: AccessRequest }) {
  const [label, color] = request.deletedAt ? ['Declined', 'gray'] : request.status === 'approved' ? ['Approved', 'green'] : ['Pending', 'yellow'];
  return (
    <Badge color={color} variant="light" tt="none">
      {label}
    </Badge>
  );
}

/** The result toast: one line per request, so an administrator sees exactly what happened to each. */
function showResults(action: 'approve' | 'decline', results: DecisionResult[], shown: AccessRequest[], captured: boolean) {
  const byId = new Map(shown.map((r) => [r.id, r]));
  const allWell = results.every((r) => r.outcome === 'created_and_invited' || r.outcome === 'existing_account_approved' || r.outcome === 'declined');
  notifications.show({
    color: allWell ? 'green' : 'orange',
    title: action === 'approve' ? 'Approval results' : 'Declined',
    autoClose: allWell ? 6000 : false,
    message: (
      <List size="sm" spacing={2}>
        {results.map((result) => {
          const request = byId.get(result.id);
          return (
            <List.Item key={result.id}>
              {request ? `${request.name} <${request.email}>` : 'A request'}: {describeResult(result, captured)}
            </List.Item>
          );
        })}
      </List>
    ),
  });
}
