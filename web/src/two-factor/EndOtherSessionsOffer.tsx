import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client, toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';

/** After a change to how someone signs in, other devices may still hold sessions: offer to end them. */
export function EndOtherSessionsOffer({ count, onClose }: { count: number; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function end() {
    setBusy(true);
    try {
      const { ended } = await call(client.DELETE('/api/v1/me/sessions'));
      notifications.show({ color: 'green', message: `Ended ${ended} other ${ended === 1 ? 'session' : 'sessions'}.` });
      onClose();
    } catch (err) {
      setError(toApiError(err).message);
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Sign out your other sessions?" centered>
      <Stack>
        <Text size="sm">
          You are also signed in {count === 1 ? 'in one other place' : `in ${count} other places`}. If you changed this because
          a device or code may be in someone else’s hands, sign those sessions out now.
        </Text>
        {error && <ErrorAlert title="Could not end the sessions">{error}</ErrorAlert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Keep them
          </Button>
          <Button color="red" loading={busy} onClick={() => void end()}>
            End other sessions
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
