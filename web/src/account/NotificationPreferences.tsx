import { Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { call, client, toApiError } from '../api';
import { queryClient, useServerData } from '../api/queries';
import { SectionCard } from '../ui/SectionCard';

const MY_NOTIFICATIONS = ['me', 'notifications'];

/** Email notices for administrators; people who cannot receive any see nothing here. */
export function NotificationPreferences() {
  // Without an answer the card stays away: it is an extra on the account page.
  const preferences = useServerData(MY_NOTIFICATIONS, async () => (await call(client.GET('/api/v1/me/notifications'))).preferences).data;
  const [saving, setSaving] = useState<string | null>(null);

  async function change(event: string, enabled: boolean) {
    setSaving(event);
    try {
      const reply = await call(client.PATCH('/api/v1/me/notifications', { body: { preferences: [{ event, enabled }] } }));
      queryClient.setQueryData(MY_NOTIFICATIONS, reply.preferences);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save your choice', message: toApiError(err).message });
    } finally {
      setSaving(null);
    }
  }

  if (!preferences || preferences.length === 0) return null;
  return (
    <SectionCard title="Email notifications" description="Which events Foyer emails you about." maw={720} mt="lg">
      <Stack>
        {preferences.map((p) => (
          <Switch
            key={p.event}
            label={p.label}
            description={p.description}
            checked={p.enabled}
            disabled={saving === p.event}
            onChange={(e) => void change(p.event, e.currentTarget.checked)}
          />
        ))}
      </Stack>
    </SectionCard>
  );
}
