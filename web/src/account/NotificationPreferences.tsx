import { Paper, Stack, Switch, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useEffect, useState } from 'react';
import { call, client, toApiError } from '../api';

type Preference = { event: string; label: string; description: string; enabled: boolean };

/** Email notices for administrators; people who cannot receive any see nothing here. */
export function NotificationPreferences() {
  const [preferences, setPreferences] = useState<Preference[] | null>(null);
  const [saving, setSaving] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    call(client.GET('/api/v1/me/notifications'))
      .then((reply) => current && setPreferences(reply.preferences))
      .catch(() => current && setPreferences([]));
    return () => {
      current = false;
    };
  }, []);

  async function change(event: string, enabled: boolean) {
    setSaving(event);
    try {
      const reply = await call(client.PATCH('/api/v1/me/notifications', { body: { preferences: [{ event, enabled }] } }));
      setPreferences(reply.preferences);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save your choice', message: toApiError(err).message });
    } finally {
      setSaving(null);
    }
  }

  if (!preferences || preferences.length === 0) return null;
  return (
    <Paper withBorder radius="md" p="lg" maw={720} mt="lg" component="section" aria-labelledby="notifications-title">
      <Title order={2} fz="h4" id="notifications-title">
        Email notifications
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Which events Foyer emails you about.
      </Text>
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
    </Paper>
  );
}
