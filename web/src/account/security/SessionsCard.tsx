import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDeviceDesktop, IconDeviceMobile, IconDeviceTablet, IconLogout, IconQuestionMark } from '@tabler/icons-react';
import { useState } from 'react';
import { call, client, type Schemas } from '../../api';
import { EMPTY, formatDateTime } from '../../format';
import { useSession } from '../../session';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { usePagedList } from '../../ui/usePagedList';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { SectionCard } from '../../ui/SectionCard';

export type OwnSession = Schemas['Session'];

const DEVICE_ICONS = { desktop: IconDeviceDesktop, mobile: IconDeviceMobile, tablet: IconDeviceTablet, unknown: IconQuestionMark };

const listOwnSessions = (cursor?: string) => call(client.GET('/api/v1/me/sessions', { params: { query: { cursor } } }));

export function SessionsCard() {
  const { signOut } = useSession();
  const { items: sessions, hasMore, error, loadMore, reload } = usePagedList(['me', 'sessions'], listOwnSessions);
  const [ending, setEnding] = useState<OwnSession | 'others' | null>(null);

  async function end() {
    if (ending === 'others') {
      const { ended } = await call(client.DELETE('/api/v1/me/sessions'));
      notifications.show({ color: 'green', message: `Ended ${ended} other ${ended === 1 ? 'session' : 'sessions'}.` });
    } else if (ending) {
      await call(client.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id: ending.id } } }));
      if (ending.current) {
        await signOut();
        return;
      }
      notifications.show({ color: 'green', message: `The session on ${ending.label} was ended.` });
    }
    setEnding(null);
    reload();
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0;

  return (
    <SectionCard
      order={3}
      title="Where you’re signed in"
      description="Sign out of any device you do not recognise or no longer use."
      actions={
        others > 0 && (
          <Button variant="default" color="red" leftSection={<IconLogout size={16} />} onClick={() => setEnding('others')}>
            End other sessions
          </Button>
        )
      }
    >
      {error && <ErrorAlert title="Could not load your sessions">{error.message}</ErrorAlert>}
      {sessions && (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" aria-label="Your sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.map((s) => {
                const Icon = DEVICE_ICONS[s.device];
                return (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" align="flex-start">
                        <Icon size={18} color="var(--mantine-color-dimmed)" style={{ flexShrink: 0, marginTop: 2 }} />
                        <div>
                          <Group gap={6}>
                            <Text size="sm" fw={500} title={s.userAgent ?? undefined}>
                              {s.label}
                            </Text>
                            {s.current && (
                              <Badge size="sm" variant="light" tt="none">
                                This device
                              </Badge>
                            )}
                          </Group>
                          <Text size="xs" c="dimmed">
                            IP address {s.ip ?? EMPTY}
                          </Text>
                        </div>
                      </Group>
                    </Table.Td>
                    <Table.Td>{formatDateTime(s.createdAt)}</Table.Td>
                    <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                    <Table.Td ta="right">
                      <Button size="compact-sm" variant="subtle" color="red" onClick={() => setEnding(s)} aria-label={`End session on ${s.label}, signed in ${formatDateTime(s.createdAt)}`}>
                        End
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {hasMore && (
        <Button variant="subtle" mt="sm" onClick={loadMore}>
          Show more
        </Button>
      )}
      {ending && (
        <ConfirmDialog
          title={ending === 'others' ? 'End all other sessions?' : ending.current ? 'End this session?' : `End the session on ${ending.label}?`}
          confirmLabel={ending === 'others' ? 'End other sessions' : 'End session'}
          color="red"
          onConfirm={end}
          onClose={() => setEnding(null)}
        >
          {ending === 'others'
            ? 'Every other browser and device signed in to your account is signed out. This one stays signed in.'
            : ending.current
              ? 'This is the browser you are using now. You will have to sign in again.'
              : 'That browser is signed out and has to sign in again.'}
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}
