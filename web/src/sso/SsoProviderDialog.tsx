import { Button, Checkbox, Code, Group, Modal, PasswordInput, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { ssoProviderForm } from '@foyer-fields/sso';
import { useState, type FormEvent } from 'react';
import { call, client, toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import { ConnectionTestResult } from './ConnectionTestResult';
import type { ConnectionTest, SsoProvider } from './types';

type Props = { provider: SsoProvider | null; onSaved: (provider: SsoProvider) => void; onClose: () => void };

const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

/** Add or edit a provider. The client secret is write-only: leaving it blank keeps the stored one. */
export function SsoProviderDialog({ provider, onSaved, onClose }: Props) {
  const form = useFormFields({
    name: provider?.name ?? '',
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
  }, ssoProviderForm);
  const [scopes, setScopes] = useState(provider?.scopes ?? DEFAULT_SCOPES);
  const [enabled, setEnabled] = useState(provider?.enabled ?? true);
  const [removeSecret, setRemoveSecret] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<ConnectionTest | null>(null);

  const secretChange = () => {
    if (form.values.clientSecret) return { clientSecret: form.values.clientSecret };
    if (removeSecret) return { clientSecret: null };
    return provider ? {} : { clientSecret: null };
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!form.validate()) return;
    setSaving(true);
    setError(null);
    const body = { name: form.values.name, issuer: form.values.issuer, clientId: form.values.clientId, scopes, enabled, ...secretChange() };
    try {
      const reply = provider
        ? await call(client.PATCH('/api/v1/admin/sso-providers/{id}', { params: { path: { id: provider.id } }, body: body }))
        : await call(client.POST('/api/v1/admin/sso-providers', { body: body }));
      onSaved(reply.provider);
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
      setSaving(false);
    }
  }

  async function testConnection() {
    setTesting(true);
    setTest(null);
    setError(null);
    try {
      const secret = form.values.clientSecret ? { clientSecret: form.values.clientSecret } : {};
      // A saved provider whose connection settings are unchanged is tested with its stored secret.
      const unchanged = provider && form.values.issuer === provider.issuer && form.values.clientId === provider.clientId && !form.values.clientSecret;
      setTest(
        unchanged
          ? await call(client.POST('/api/v1/admin/sso-providers/{id}/test', { params: { path: { id: provider.id } } }))
          : await call(client.POST('/api/v1/admin/sso-providers/test', { body: {
              issuer: form.values.issuer,
              clientId: form.values.clientId || 'unknown',
              scopes,
              ...secret,
            } })),
      );
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
    } finally {
      setTesting(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title={provider ? `Edit ${provider.name}` : 'Add an SSO provider'} size="lg" centered>
      <form onSubmit={save} noValidate>
        <Stack>
          {error && <ErrorAlert title="Not saved">{error.message}</ErrorAlert>}
          <TextInput label="Display name" description="Shown on the sign-in button: “Continue with …”" {...form.field('name')} />
          <TextInput
            label="Issuer URL"
            description="The provider’s issuer identifier; Foyer reads /.well-known/openid-configuration from it."
            placeholder="https://login.example.com"
            {...form.field('issuer')}
          />
          <TextInput label="Client ID" {...form.field('clientId')} />
          <PasswordInput
            label="Client secret"
            description={provider?.clientSecretSet ? 'A secret is stored. Leave blank to keep it.' : 'Leave blank for a public client.'}
            autoComplete="new-password"
            {...form.field('clientSecret')}
          />
          {provider?.clientSecretSet && !form.values.clientSecret && (
            <Checkbox label="Remove the stored client secret" checked={removeSecret} onChange={(e) => setRemoveSecret(e.currentTarget.checked)} />
          )}
          <TagsInput label="Scopes" description="openid is always requested; email is needed to link accounts." value={scopes} onChange={setScopes} />
          <Checkbox label="Enabled: show this provider on the sign-in page" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          <Text size="sm">
            Register this redirect URI at the provider: <Code>{`${window.location.origin}/api/v1/auth/sso/callback`}</Code>
          </Text>
          {test && <ConnectionTestResult result={test} />}
          <Group justify="space-between">
            <Button variant="default" loading={testing} onClick={() => void testConnection()}>
              Test connection
            </Button>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={saving}>
                {provider ? 'Save changes' : 'Add provider'}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
