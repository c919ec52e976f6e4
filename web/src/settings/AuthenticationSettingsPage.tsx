import { Alert, Button, Checkbox, Group, Paper, Radio, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { METHOD_LABELS, type MfaKind } from '../two-factor/mfaApi';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { PasswordSettingsCard } from './PasswordSettingsCard';
import { RegistrationSettingsCard } from '../access-requests/RegistrationSettingsCard';
import { JoiningSettingsCard } from '../invitations/JoiningSettingsCard';
import { saveSettings, useSettings } from './settingsApi';

type MfaSettings = Schemas['MfaSettings'];

/** Settings → Authentication: how people sign in to this instance. */
export function AuthenticationSettingsPage() {
  return (
    <>
      <PageHeader title="Authentication" description="How people sign in: passwords and two-factor authentication." />
      <Stack maw={760} gap="lg">
        <PasswordSettingsCard />
        <TwoFactorSettingsCard />
        <RegistrationSettingsCard />
        <JoiningSettingsCard />
      </Stack>
    </>
  );
}

const ALL_METHODS: MfaKind[] = ['totp', 'email', 'sms'];

function TwoFactorSettingsCard() {
  const { settings, error: loadError } = useSettings();
  const saved = settings?.mfa ?? null;
  // Null until something is changed, then what is typed, which a refetch of the settings leaves alone.
  const [edited, setDraft] = useState<MfaSettings | null>(null);
  const draft = edited ?? saved;
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!draft) return;
    setSaving(true);
    setError(null);
    try {
      await saveSettings({
        mfa: { ...draft, smsWebhookUrl: draft.smsWebhookUrl?.trim() || null },
      });
      setDraft(null);
      notifications.show({ color: 'green', title: 'Saved', message: 'Two-factor settings are saved.' });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  }

  const fields = error?.fields ?? {};
  const changed = JSON.stringify(saved) !== JSON.stringify(draft);

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="mfa-settings-title">
      <form onSubmit={save} noValidate>
        <Stack>
          <div>
            <Title order={2} fz="h4" id="mfa-settings-title">
              Two-factor authentication
            </Title>
            <Text c="dimmed" size="sm">
              People add a second factor under My account → Security. Signing in with a passkey never needs one.
            </Text>
          </div>
          {loadError && <ErrorAlert title="Could not load the settings">{loadError.message}</ErrorAlert>}
          {error && !Object.keys(fields).length && <ErrorAlert title="Not saved">{error.message}</ErrorAlert>}
          {draft && (
            <>
              <Checkbox.Group
                label="Allowed methods"
                value={draft.allowedMethods}
                onChange={(value) => setDraft({ ...draft, allowedMethods: ALL_METHODS.filter((m) => value.includes(m)) })}
                error={fields['mfa.allowedMethods']}
              >
                <Group mt="xs">
                  {ALL_METHODS.map((m) => (
                    <Checkbox key={m} value={m} label={METHOD_LABELS[m]} />
                  ))}
                </Group>
              </Checkbox.Group>
              <Switch
                label="Require 2FA for everyone"
                description="Everyone signing in with a password, a link or an invitation must also give a second factor."
                checked={draft.required}
                onChange={(e) => setDraft({ ...draft, required: e.currentTarget.checked })}
              />
              {draft.required && (
                <Radio.Group
                  label="People who have not set up a second factor"
                  value={draft.withoutMethod}
                  onChange={(value) => setDraft({ ...draft, withoutMethod: value as MfaSettings['withoutMethod'] })}
                >
                  <Stack gap="xs" mt="xs">
                    <Radio
                      value="lockout"
                      label="Are locked out"
                      description="They can only get in with a one-time recovery code an administrator issues from their user page."
                    />
                    <Radio
                      value="enrol_at_sign_in"
                      label="Must set one up when they next sign in"
                      description="Their sign-in stops at setting up a second factor, and completes once they have."
                    />
                  </Stack>
                </Radio.Group>
              )}
              {draft.required && draft.withoutMethod === 'lockout' && !saved?.required && (
                <Alert color="yellow" icon={<IconAlertTriangle />}>
                  Once saved, anyone without a second factor is locked out until you issue them a recovery code.
                </Alert>
              )}
              {draft.allowedMethods.includes('sms') && (
                <TextInput
                  label="SMS gateway webhook"
                  description="Foyer POSTs each text message as JSON {to, text} to this address. Leave empty to keep messages in the dev mailbox (Mail page)."
                  placeholder="https://sms-gateway.internal/send"
                  value={draft.smsWebhookUrl ?? ''}
                  error={fields['mfa.smsWebhookUrl']}
                  onChange={(e) => setDraft({ ...draft, smsWebhookUrl: e.currentTarget.value })}
                />
              )}
              <Group>
                <Button type="submit" loading={saving} disabled={!changed}>
                  Save
                </Button>
              </Group>
            </>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
