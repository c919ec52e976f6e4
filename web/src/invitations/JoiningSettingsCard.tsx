import { Button, Group, NumberInput, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { invitationSettingsForm } from '@foyer-fields/invitations';
import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';
import { useFormFields } from '../ui/useFormFields';
import { saveSettings, sectionFieldErrors, useSettings } from '../settings/settingsApi';

type InvitationSettings = Schemas['InvitationSettings'];

/** Settings → Authentication → Invitations and login links: how long their links stay valid. */
export function JoiningSettingsCard() {
  const loaded = useSettings();
  const settings = loaded.settings?.invitations ?? null;

  if (!settings && !loaded.error) return null;

  return (
    <SectionCard title="Invitations and login links" description="How long the links Foyer emails stay valid. Each works once.">
      <Stack>
        {loaded.error && <ErrorAlert title="Could not load the settings">{loaded.error.message}</ErrorAlert>}
        {/* The form starts from the loaded settings; what is typed stays until it is saved, whatever a refetch brings. */}
        {settings && <JoiningSettingsForm settings={settings} />}
      </Stack>
    </SectionCard>
  );
}

function JoiningSettingsForm({ settings }: { settings: InvitationSettings }) {
  const form = useFormFields<{ invitationTtlDays: number | string; loginLinkTtlMinutes: number | string }>(settings, invitationSettingsForm);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    setSaving(true);
    try {
      const { invitationTtlDays, loginLinkTtlMinutes } = form.values;
      await saveSettings({ invitations: { invitationTtlDays: Number(invitationTtlDays), loginLinkTtlMinutes: Number(loginLinkTtlMinutes) } });
      notifications.show({ color: 'green', title: 'Saved', message: 'The new validity applies to links issued from now on.' });
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(sectionFieldErrors(failure, 'invitations'))) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={save} noValidate aria-label="Invitations and login links">
      <Stack>
        {error && <ErrorAlert title="Could not save">{error.fields.invitations ?? error.message}</ErrorAlert>}
        <Group align="flex-start">
          <NumberInput
            label="Invitation links valid for (days)"
            min={1}
            max={90}
            allowDecimal={false}
            w={240}
            {...form.field('invitationTtlDays')}
          />
          <NumberInput
            label="Login links valid for (minutes)"
            description="At most 1440 (24 hours)."
            min={5}
            max={1440}
            allowDecimal={false}
            w={240}
            {...form.field('loginLinkTtlMinutes')}
          />
        </Group>
        <Group>
          <Button type="submit" loading={saving}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
