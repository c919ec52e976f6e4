import { Loader, Stack, Switch } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';
import { useSettings } from '../settings/settingsApi';
import { saveRegistrationSettings, type RegistrationSettings } from './accessRequestsApi';

const SWITCHES: { key: keyof RegistrationSettings; label: string; description: string }[] = [
  {
    key: 'accessRequestsEnabled',
    label: 'Accept access requests',
    description: 'The sign-in page links to a form at /signup where people from the allowed domains can ask for access.',
  },
  {
    key: 'ssoRegistrationEnabled',
    label: 'Allow registration through single sign-on',
    description: 'Someone unknown who signs in through SSO gets an account awaiting approval and an access request.',
  },
  {
    key: 'ssoVerifiedRequestsRequired',
    label: 'Only take requests verified by single sign-on',
    description: 'Closes the public form: people must sign in through SSO to ask for access.',
  },
];

/** The `registration` settings, saved as soon as a switch is flipped. */
export function RegistrationSettingsCard() {
  const loaded = useSettings();
  const settings = loaded.settings?.registration ?? null;
  const [saveError, setError] = useState<string | null>(null);
  const error = saveError ?? loaded.error?.message ?? null;
  const [saving, setSaving] = useState<keyof RegistrationSettings | null>(null);

  async function change(key: keyof RegistrationSettings, value: boolean) {
    setSaving(key);
    setError(null);
    try {
      await saveRegistrationSettings({ [key]: value });
      notifications.show({ color: 'green', message: 'Registration settings saved.' });
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setSaving(null);
    }
  }

  return (
    <SectionCard title="Registration" description="How people can join without an invitation.">
      <Stack gap="md">
        {error && <ErrorAlert title="Could not save">{error}</ErrorAlert>}
        {!settings && !error && <Loader size="sm" />}
        {settings &&
          SWITCHES.map(({ key, label, description }) => (
            <Switch
              key={key}
              label={label}
              description={description}
              checked={settings[key]}
              disabled={saving !== null}
              onChange={(event) => void change(key, event.currentTarget.checked)}
            />
          ))}
      </Stack>
    </SectionCard>
  );
}
