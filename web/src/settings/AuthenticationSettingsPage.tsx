import { Alert, Button, Checkbox, Group, Paper, Radio, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertTriangle } from '@tabler/icons-react';
import { schemaResolver, useForm } from '@mantine/form';
import { MFA_METHODS, mfaSettingsForm } from '@foyer-fields/auth';
import { useEffect, useState } from 'react';
import { toApiError, type ApiError, type Schemas } from '../api';
import { METHOD_LABELS } from '../two-factor/mfaApi';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
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
  const form = useForm<MfaForm>({
    mode: 'controlled',
    initialValues: { allowedMethods: [], required: false, withoutMethod: 'lockout', smsWebhookUrl: '' },
    clearInputErrorOnChange: true,
    validate: schemaResolver(mfaSettingsForm, { sync: true }),
  });
  // The form takes the saved settings once they load; a refetch later leaves what is being typed alone.
  useEffect(() => {
    if (saved && !form.initialized) form.initialize(asForm(saved));
  }, [saved, form]);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  async function save(values: MfaForm) {
    setSaving(true);
    setError(null);
    try {
      const next = await saveSettings({ mfa: { ...values, smsWebhookUrl: values.smsWebhookUrl.trim() || null } });
      // What was saved is the new starting point, so Save waits for the next change.
      const savedNow = asForm(next.mfa ?? { ...values, smsWebhookUrl: values.smsWebhookUrl.trim() || null });
      form.setInitialValues(savedNow);
      form.setValues(savedNow);
      form.resetDirty(savedNow);
      notifications.show({ color: 'green', title: 'Saved', message: 'Two-factor settings are saved.' });
    } catch (err) {
      const failure = toApiError(err);
      const fields = sectionFieldErrors(failure, 'mfa');
      form.setErrors(fields);
      if (Object.keys(fields).length === 0) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  const draft = form.initialized ? form.values : null;

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="mfa-settings-title">
      <form onSubmit={form.onSubmit(save)} noValidate>
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
          {error && <ErrorAlert title="Not saved">{error.message}</ErrorAlert>}
          {draft && (
            <>
              <Checkbox.Group
                label="Allowed methods"
                value={draft.allowedMethods}
                onChange={(value) => form.setFieldValue('allowedMethods', MFA_METHODS.filter((m) => value.includes(m)))}
                error={form.errors.allowedMethods}
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
                {...form.getInputProps('required', { type: 'checkbox' })}
              />
              {draft.required && (
                <Radio.Group
                  label="People who have not set up a second factor"
                  {...form.getInputProps('withoutMethod')}
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
                  {...form.getInputProps('smsWebhookUrl')}
                />
              )}
              <Group>
                <Button type="submit" loading={saving} disabled={!form.isDirty()}>
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
