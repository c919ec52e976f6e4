import { Button, Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { saveSettings, useSettings } from '../settings/settingsApi';

type InvitationSettings = Schemas['InvitationSettings'];

/** Settings → Authentication → Invitations and login links: how long their links stay valid. */
export function JoiningSettingsCard() {
  const loaded = useSettings();
  // What is typed stays until it is saved: a refetch of the settings does not overwrite it.
  const [draft, setDraft] = useState<InvitationSettings | null>(null);
  const settings = draft ?? loaded.settings?.invitations ?? null;
  const [saveError, setError] = useState<ApiError | null>(null);
  const error = saveError ?? loaded.error;
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!settings) return;
    setSaving(true);
    setError(null);
    try {
      await saveSettings({ invitations: settings });
      setDraft(null);
      notifications.show({ color: 'green', title: 'Saved', message: 'The new validity applies to links issued from now on.' });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  }

  if (!settings && !error) return null;

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="joining-settings-title">
      <form onSubmit={save} noValidate>
        <Stack>
          <div>
            <Title order={2} fz="h4" id="joining-settings-title">
              Invitations and login links
            </Title>
            <Text size="sm" c="dimmed">
              How long the links Foyer emails stay valid. Each works once.
            </Text>
          </div>
          {error && <ErrorAlert title="Could not save">{error.fields.invitations ?? error.message}</ErrorAlert>}
          {settings && (
            <Group align="flex-start">
              <NumberInput
                label="Invitation links valid for (days)"
                min={1}
                max={90}
                allowDecimal={false}
                value={settings.invitationTtlDays}
                onChange={(value) => setDraft({ ...settings, invitationTtlDays: Number(value) })}
                w={240}
              />
              <NumberInput
                label="Login links valid for (minutes)"
                description="At most 1440 (24 hours)."
                min={5}
                max={1440}
                allowDecimal={false}
                value={settings.loginLinkTtlMinutes}
                onChange={(value) => setDraft({ ...settings, loginLinkTtlMinutes: Number(value) })}
                w={240}
              />
            </Group>
          )}
          <Group>
            <Button type="submit" loading={saving} disabled={!settings}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
