import { Alert, Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { apiTokenForm } from '@foyer-fields/api-tokens';
import { useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { formatDateTime } from '../format';
import { CopyField } from '../ui/CopyField';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import { createApiToken, type CreatedApiToken } from './apiTokensApi';

const DAY_MS = 86_400_000;
const LIFETIMES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never (until revoked)' },
];

type Props = { onClose: () => void; onCreated: () => void };

/** Create an API token, then show it once with a copy button: Foyer keeps only its hash. */
export function CreateApiTokenDialog({ onClose, onCreated }: Props) {
  const { values, field, validate, showServerErrors } = useFormFields({ name: '', lifetime: '90' }, apiTokenForm);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  async function create() {
    setError(null);
    if (!validate()) return;
    setSaving(true);
    try {
      const expiresAt = values.lifetime === 'never' ? null : new Date(Date.now() + Number(values.lifetime) * DAY_MS).toISOString();
      setCreated(await createApiToken({ name: values.name.trim(), expiresAt }));
      onCreated();
    } catch (err) {
      const failure = toApiError(err);
      if (!showServerErrors(failure.fields)) setError(failure);
    } finally {
      setSaving(false);
    }
  }

  if (created) {
    return (
      <Modal opened onClose={onClose} title="API token created">
        <Stack>
          <Alert color="yellow" title="Copy the token now">
            This is the only time Foyer shows it. Store it where the automation reads its secrets; if it is lost, revoke it and create
            another.
          </Alert>
          <CopyField label="API token" value={created.token} copyLabel="Copy token" />
          <Text size="sm" c="dimmed">
            Send it as <code>Authorization: Bearer &lt;token&gt;</code>. It acts as you, with your permissions as they are at each request
            {created.expiresAt ? `, until ${formatDateTime(created.expiresAt)}` : ', until it is revoked'}.
          </Text>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title="Create an API token">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void create();
        }}
      >
        <Stack>
          <TextInput label="Name" description="What uses it, such as “nightly user sync”." maxLength={100} required data-autofocus {...field('name')} />
          <Select label="Expires" data={LIFETIMES} allowDeselect={false} {...field('lifetime')} />
          <Text size="sm" c="dimmed">
            The token acts as you: it can do what you can do, never more, and stops when your account is disabled.
          </Text>
          {error && <ErrorAlert title="No token was created">{error.message}</ErrorAlert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
