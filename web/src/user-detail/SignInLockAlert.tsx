import { Alert, Button, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLock } from '@tabler/icons-react';
import { useState } from 'react';
import { call, client, toApiError } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { formatDateTime } from '../format';
import { USERS } from '../users/usersApi';

type Lock = { method: string; lockedAt: string | null };

const METHOD_LABELS: Record<string, string> = { password: 'Password sign-in' };
const labelOf = (method: string) => METHOD_LABELS[method] ?? `Sign-in with ${method.replace(/_/g, ' ')}`;

/** Shown on a user's page only while a sign-in method is locked after 100 failed attempts; "Unlock sign-in" lifts it. */
export function SignInLockAlert({ userId, canUnlock }: { userId: string; canUnlock: boolean }) {
  const locksKey = [...USERS, userId, 'sign-in-locks'];
  // The lock notice is an extra: without an answer the rest of the page works, and the notice stays away.
  const locks: Lock[] = useServerData(locksKey, async () =>
    (await call(client.GET('/api/v1/admin/users/{id}/sign-in-locks', { params: { path: { id: userId } } }))).items,
  ).data ?? [];
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function unlock() {
    setBusy(true);
    setError(null);
    try {
      await call(client.POST('/api/v1/admin/users/{id}/unlock-sign-in', { params: { path: { id: userId } } }));
      notifications.show({ color: 'green', message: 'Sign-in is unlocked.' });
      await invalidate(locksKey);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(false);
    }
  }

  if (locks.length === 0) return null;
  return (
    <Alert color="orange" icon={<IconLock />} title="Sign-in is locked">
      <Stack gap="xs" align="flex-start">
        {locks.map((lock) => (
          <Text size="sm" key={lock.method}>
            {labelOf(lock.method)} locked after 100 failed attempts in a row{lock.lockedAt ? `, on ${formatDateTime(lock.lockedAt)}` : ''}.
          </Text>
        ))}
        <Text size="sm">Make sure the person asking is who they say before unlocking. A password reset also unlocks it.</Text>
        {error && (
          <Text size="sm" c="red">
            {error}
          </Text>
        )}
        {canUnlock && (
          <Button size="xs" color="orange" loading={busy} onClick={() => void unlock()}>
            Unlock sign-in
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
