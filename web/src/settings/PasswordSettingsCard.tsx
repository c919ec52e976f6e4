import { Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { SectionCard } from '../ui/SectionCard';
import { saveSettings, useSettings } from './settingsApi';

/** Settings → Authentication → Passwords: turning them off makes a passkey-only instance. */
export function PasswordSettingsCard() {
  const loaded = useSettings();
  const settings = loaded.settings?.passwords ?? null;
  const [saveError, setError] = useState<ApiError | null>(null);
  const error = saveError ?? loaded.error;
  const [confirmingOff, setConfirmingOff] = useState(false);
  const [saving, setSaving] = useState(false);

  async function save(enabled: boolean) {
    setSaving(true);
    setError(null);
    try {
      await saveSettings({ passwords: { enabled } });
      notifications.show({ color: 'green', title: 'Saved', message: enabled ? 'Passwords are turned on.' : 'Passwords are turned off: passkeys only.' });
    } finally {
      setSaving(false);
    }
  }

  return (
    <SectionCard
      title="Passwords"
      description="New passwords need 8 to 256 characters and may not be one of the most common passwords. After 100 wrong attempts in a row, password sign-in to that account locks until an administrator unlocks it or its owner resets the password."
    >
      <Stack>
        {error && <ErrorAlert title="Could not change the setting">{error.message}</ErrorAlert>}
        {settings && (
          <Switch
            label="Allow sign-in with a password"
            description="Off: everyone signs in with a passkey, and forgot-password links are not sent. You need a passkey yourself first."
            checked={settings.enabled}
            disabled={saving}
            onChange={(event) => {
              if (event.currentTarget.checked) save(true).catch((err: unknown) => setError(toApiError(err)));
              else setConfirmingOff(true);
            }}
          />
        )}
      </Stack>
      {confirmingOff && (
        <ConfirmDialog
          title="Turn passwords off?"
          confirmLabel="Turn passwords off"
          color="red"
          onConfirm={async () => {
            await save(false);
            setConfirmingOff(false);
          }}
          onClose={() => setConfirmingOff(false)}
        >
          <Text size="sm">People who have no passkey will not be able to sign in until passwords are turned on again.</Text>
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}
