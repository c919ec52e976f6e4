import { Alert, Anchor, Box, Button, Center, Code, DataList, Drawer, Group, List, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconExternalLink, IconRotateClockwise } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { call, client, toApiError } from '../api';
import { queryClient, useServerData } from '../api/queries';
import { EMPTY, formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { MailStatusBadge } from './MailStatusBadge';
import type { OutboxMessageDetail } from './types';

type Props = { id: string | null; onClose: () => void; onChanged: () => void };

/** One message as it was rendered, with its links clickable: in the dev mailbox that is how people get in. */
export function MailDrawer({ id, onClose, onChanged }: Props) {
  const messageKey = ['outbox', 'message', id];
  const { data: message, error } = useServerData<OutboxMessageDetail>(
    messageKey,
    () => call(client.GET('/api/v1/admin/mail/outbox/{id}', { params: { path: { id: id ?? '' } } })),
    { enabled: id !== null },
  );
  const [retrying, setRetrying] = useState(false);

  async function retry() {
    if (!message) return;
    setRetrying(true);
    try {
      queryClient.setQueryData(messageKey, await call(client.POST('/api/v1/admin/mail/outbox/{id}/retry', { params: { path: { id: message.id } } })));
      notifications.show({ color: 'green', title: 'Queued again', message: `The message to ${message.to} will be sent shortly.` });
      onChanged();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not retry', message: toApiError(err).message });
    } finally {
      setRetrying(false);
    }
  }

  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="xl" title={<Title order={2} fz="h4">{message?.subject ?? 'Message'}</Title>}>
      {error && <ErrorAlert title="Could not load this message">{error.message}</ErrorAlert>}
      {!message && !error && (
        <Center py="xl">
          <Loader />
        </Center>
      )}
      {message && (
        <Stack>
          <DataList withDivider labelWidth={120} aria-label="Message details">
            <Item label="To">{message.to}</Item>
            <Item label="Status">
              <MailStatusBadge status={message.status} />
            </Item>
            <Item label="Template">{message.template}</Item>
            <Item label="Created">{formatDateTime(message.createdAt)}</Item>
            <Item label="Sent">{message.sentAt ? formatDateTime(message.sentAt) : EMPTY}</Item>
            <Item label="Attempts">{String(message.attempts)}</Item>
          </DataList>

          {message.lastError && (
            <Alert color={message.status === 'queued' ? 'yellow' : 'red'} title={message.status === 'blocked' ? 'Blocked' : 'Delivery problem'}>
              {message.lastError}
            </Alert>
          )}
          {message.status === 'failed' && (
            <Group>
              <Button leftSection={<IconRotateClockwise size={16} />} onClick={() => void retry()} loading={retrying}>
                Retry
              </Button>
            </Group>
          )}

          <Box>
            <Text fw={600} mb={4}>
              Links
            </Text>
            {message.links.length === 0 ? (
              <Text c="dimmed" size="sm">
                This message has no links{message.status === 'sent' ? ' left: its personal link was removed after delivery' : ''}.
              </Text>
            ) : (
              <List spacing={4} size="sm" aria-label="Links in this message">
                {message.links.map((link) => (
                  <List.Item key={link} icon={<IconExternalLink size={14} />}>
                    <Anchor href={link} target="_blank" rel="noopener noreferrer" style={{ wordBreak: 'break-all' }}>
                      {link}
                    </Anchor>
                  </List.Item>
                ))}
              </List>
            )}
          </Box>

          <Tabs defaultValue="html" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="html">As the recipient sees it</Tabs.Tab>
              <Tabs.Tab value="text">Plain text</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="html" pt="sm">
              {/* No scripts, no same-origin access: the message is shown, never run. */}
              <iframe
                title="Message as HTML"
                sandbox="allow-popups allow-popups-to-escape-sandbox"
                srcDoc={message.html.replace('<head>', '<head><base target="_blank">')}
                style={{ width: '100%', height: 560, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8, background: 'white' }}
              />
            </Tabs.Panel>
            <Tabs.Panel value="text" pt="sm">
              <Code block style={{ whiteSpace: 'pre-wrap' }}>
                {message.text}
              </Code>
            </Tabs.Panel>
          </Tabs>
        </Stack>
      )}
    </Drawer>
  );
}

function Item({ label, children }: { label: string; children: ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}
