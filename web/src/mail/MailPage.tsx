import { Anchor, Button, Center, Group, Loader, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { MailDrawer } from './MailDrawer';
import { MailStatusBadge } from './MailStatusBadge';
import { MAIL_STATUS_LOOK, type MailStatus, type OutboxMessage } from './types';
import { usePagedList } from '../ui/usePagedList';
import { listOutbox } from './mailApi';

const STATUS_OPTIONS = [
  { value: '', label: 'All messages' },
  ...(Object.keys(MAIL_STATUS_LOOK) as MailStatus[]).map((status) => ({ value: status, label: MAIL_STATUS_LOOK[status].label })),
];

export function MailPage() {
  const [status, setStatus] = useState<MailStatus | null>(null);
  const list = usePagedList(['outbox', status], (cursor) => listOutbox(status, cursor));
  const { loading, error, hasMore, loadMore, reload } = list;
  const items = list.items ?? [];
  const [openId, setOpenId] = useState<string | null>(null);
  const firstLoad = loading && items.length === 0;

  if (error?.status === 403) {
    return (
      <>
        <PageHeader title="Mail" />
        <ErrorAlert title="You cannot view the outbox">{error.message}</ErrorAlert>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="Mail"
        description="Every email Foyer has sent or will send. Personal links and codes are shown only on captured messages (the dev mailbox) of an instance in development mode; everywhere else they are hidden."
      />
      <Stack>
        <Group justify="space-between" align="end">
          <Select
            label="Status"
            data={STATUS_OPTIONS}
            value={status ?? ''}
            onChange={(value) => setStatus((value || null) as MailStatus | null)}
            allowDeselect={false}
            w={220}
          />
          <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={reload} loading={loading && !firstLoad}>
            Refresh
          </Button>
        </Group>
        {error && <ErrorAlert title="Could not load the outbox">{error.message}</ErrorAlert>}
        {firstLoad ? (
          <Center py="xl">
            <Loader />
          </Center>
        ) : (
          <Paper withBorder radius="md">
            <OutboxTable messages={items} onOpen={setOpenId} filtered={status !== null} />
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
      <MailDrawer id={openId} onClose={() => setOpenId(null)} onChanged={reload} />
    </>
  );
}

type TableProps = { messages: OutboxMessage[]; onOpen: (id: string) => void; filtered: boolean };

function OutboxTable({ messages, onOpen, filtered }: TableProps) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table data-testid="outbox-table" striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            <Table.Th>To</Table.Th>
            <Table.Th miw={200}>Subject</Table.Th>
            <Table.Th w={120}>Status</Table.Th>
            <Table.Th>Note</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {messages.map((message) => (
            <Table.Tr key={message.id} onClick={() => onOpen(message.id)} style={{ cursor: 'pointer' }}>
              <Table.Td>
                <Text inherit style={{ whiteSpace: 'nowrap' }}>
                  {formatDateTime(message.createdAt)}
                </Text>
              </Table.Td>
              <Table.Td>{message.to}</Table.Td>
              <Table.Td>
                <Anchor component="button" type="button" fw={500} ta="left" onClick={() => onOpen(message.id)}>
                  {message.subject}
                </Anchor>
              </Table.Td>
              <Table.Td>
                <MailStatusBadge status={message.status} />
              </Table.Td>
              <Table.Td>
                <Note message={message} />
              </Table.Td>
            </Table.Tr>
          ))}
          {messages.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={5}>
                <Text c="dimmed" ta="center" py="lg">
                  {filtered ? 'No messages with this status.' : 'No mail yet.'}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Note({ message }: { message: OutboxMessage }) {
  if (message.status === 'queued' && message.attempts > 0 && message.nextAttemptAt) {
    return (
      <Text size="sm" c="dimmed">
        Attempt {message.attempts} failed; next try {formatDateTime(message.nextAttemptAt)}
      </Text>
    );
  }
  if (message.lastError) {
    return (
      <Text size="sm" c="red" lineClamp={2}>
        {message.lastError}
      </Text>
    );
  }
  if (message.status === 'captured') {
    return (
      <Text size="sm" c="dimmed">
        In the dev mailbox: open it to follow its links
      </Text>
    );
  }
  if (message.sentAt) {
    return (
      <Text size="sm" c="dimmed">
        Sent {formatDateTime(message.sentAt)}
      </Text>
    );
  }
  return null;
}
