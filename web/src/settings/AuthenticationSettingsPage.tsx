import { Alert, Button, Checkbox, Group, Radio, Stack, Switch, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { MFA_METHODS, mfaSettingsForm } from '@foyer-fields/auth';
import { useState, type FormEvent } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { METHOD_LABELS } from '../two-factor/mfaApi';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { SectionCard } from '../ui/SectionCard';
import { useFormFields } from '../ui/useFormFields';
import { PasswordSettingsCard } from './PasswordSettingsCard';
import { RegistrationSettingsCard } from '../access-requests/RegistrationSettingsCard';
import { JoiningSettingsCard } from '../invitations/JoiningSettingsCard';
import { saveSettings, sectionFieldErrors, useSettings } from './settingsApi';

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

/** The form holds the webhook box as text: empty is "keep texts in the dev mailbox", sent as null. */
type MfaForm = Omit<MfaSettings, 'smsWebhookUrl'> & { smsWebhookUrl: string };
const asForm = (settings: MfaSettings): MfaForm => ({ ...settings, smsWebhookUrl: settings.smsWebhookUrl ?? '' });

function TwoFactorSettingsCard() {
  const { settings, error: loadError } = useSettings();
  const saved = settings?.mfa ?? null;

  return (
    <SectionCard
      title="Two-factor authentication"
      description="People add a second factor under My account → Security. Signing in with a passkey never needs one."
    >
      <Stack>
        {loadError && <ErrorAlert title="Could not load the settings">{loadError.message}</ErrorAlert>}
        {/* The form starts from the loaded settings; what is typed stays until it is saved, whatever a refetch brings. */}
        {saved && <TwoFactorSettingsForm saved={saved} />}
      </Stack>
    </SectionCard>
  );
}

function TwoFactorSettingsForm({ saved }: { saved: MfaSettings }) {
  const form = useFormFields<MfaForm>(asForm(saved), mfaSettingsForm);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const draft = form.values;

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form.validate()) return;
    setSaving(true);
    setError(null);
    try {
      const mfa = { ...draft, smsWebhookUrl: draft.smsWebhookUrl.trim() || null };
      const next = await saveSettings({ mfa });
      // What was saved is the new starting point, so Save waits for the next change.
      form.markSaved(asForm(next.mfa ?? mfa));
      notifications.show({ color: 'green', title: 'Saved', message: 'Two-factor settings are saved.' });
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(sectionFieldErrors(failure, 'mfa'))) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={save} noValidate>
      <Stack>
        {error && <ErrorAlert title="Not saved">{error.message}</ErrorAlert>}
        <Checkbox.Group
          label="Allowed methods"
          value={draft.allowedMethods}
          onChange={(value) => form.setValue('allowedMethods', MFA_METHODS.filter((m) => value.includes(m)))}
          error={form.field('allowedMethods').error}
        >
          <Group mt="xs">
            {MFA_METHODS.map((m) => (
              <Checkbox key={m} value={m} label={METHOD_LABELS[m]} />
            ))}
          </Group>
        </Checkbox.Group>
        <Switch
          label="Require 2FA for everyone"
          description="Everyone signing in with a password, a link or an invitation must also give a second factor."
          {...form.field('required', { type: 'checkbox' })}
        />
        {draft.required && (
          <Radio.Group label="People who have not set up a second factor" {...form.field('withoutMethod')}>
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
        {draft.required && draft.withoutMethod === 'lockout' && !saved.required && (
          <Alert color="yellow" icon={<IconAlertTriangle />}>
            Once saved, anyone without a second factor is locked out until you issue them a recovery code.
          </Alert>
        )}
        {draft.allowedMethods.includes('sms') && (
          <TextInput
            label="SMS gateway webhook"
            description="Foyer POSTs each text message as JSON {to, text} to this address. Leave empty to keep messages in the dev mailbox (Mail page)."
            placeholder="https://sms-gateway.internal/send"
            {...form.field('smsWebhookUrl')}
          />
        )}
        <Group>
          <Button type="submit" loading={saving} disabled={!form.isDirty()}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
