import { Alert, Button, Checkbox, Group as Row, Modal, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { call, client, toApiError, type ApiError, type Schemas } from '../api';
import { useGroups } from '../api/options';
import { queryClient } from '../api/queries';
import { CopyField } from '../ui/CopyField';
import { ErrorAlert } from '../ui/ErrorAlert';
import { OptionsPicker } from '../ui/OptionsPicker';
import { APPS } from './AppsPage';

type Created = { app: Schemas['App']; clientSecret?: string };

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** Registers an app, then shows what to paste into it: the secret only here, once. */
export function AppDialog({ onClose }: { onClose: () => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState<'confidential' | 'public'>('confidential');
  const [redirectUris, setRedirectUris] = useState('');
  const [launchUrl, setLaunchUrl] = useState('');
  const [requireConsent, setRequireConsent] = useState(true);
  const [everyone, setEveryone] = useState(false);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const { groups } = useGroups();
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const body = {
        name,
        type,
        redirectUris: lines(redirectUris),
        ...(launchUrl.trim() ? { launchUrl: launchUrl.trim() } : {}),
        requireConsent,
        access: { everyone, groupIds: everyone ? [] : groupIds },
      };
      setCreated(await call(client.POST('/api/v1/admin/apps', { body })));
      void queryClient.invalidateQueries({ queryKey: APPS });
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  }

  if (created) {
    const { app, clientSecret } = created;
    return (
      <Modal opened onClose={onClose} title={`${app.name} is registered`} size="lg">
        <Stack>
          <Text size="sm">Configure the app with these settings (docs/apps.md has examples for popular apps).</Text>
          <CopyField label="Discovery URL" value={app.discoveryUrl} />
          <CopyField label="Issuer" value={app.issuer} />
          <CopyField label="Client ID" value={app.clientId} />
          {clientSecret && (
            <>
              <CopyField label="Client secret" value={clientSecret} />
              <Alert color="yellow" title="Copy the secret now">
                It is shown only this once. A new one can be made later; the old one then stops working.
              </Alert>
            </>
          )}
          {!app.access.everyone && app.access.groups.length === 0 && (
            <Alert color="red" title="Nobody can open this app yet">
              Choose who may open it: everyone, or members of some groups.
            </Alert>
          )}
          <Row justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Row>
        </Stack>
      </Modal>
    );
  }

  const fields = error?.fields ?? {};
  const fieldError = (prefix: string) => Object.entries(fields).find(([key]) => key === prefix || key.startsWith(`${prefix}.`))?.[1];
  const otherError = error && Object.keys(fields).length === 0 ? error : null;
  return (
    <Modal opened onClose={onClose} title="New app" size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Stack>
          <TextInput label="Name" required maxLength={100} value={name} error={fieldError('name')} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="app-type-label">
              Type
            </Text>
            <SegmentedControl
              aria-labelledby="app-type-label"
              value={type}
              onChange={(value) => setType(value as 'confidential' | 'public')}
              data={[
                { value: 'confidential', label: 'Server app (with a secret)' },
                { value: 'public', label: 'Browser or mobile app (PKCE)' },
              ]}
            />
          </Stack>
          <Textarea
            label="Redirect URIs"
            description="One per line, exactly as the app sends them. https, or http only for localhost."
            required
            autosize
            minRows={2}
            value={redirectUris}
            error={fieldError('redirectUris')}
            onChange={(e) => setRedirectUris(e.currentTarget.value)}
          />
          <TextInput
            label="Launch URL"
            description="Where people's home page tile takes them. Without one, the app has no tile."
            value={launchUrl}
            error={fieldError('launchUrl')}
            onChange={(e) => setLaunchUrl(e.currentTarget.value)}
          />
          <Checkbox
            label="Ask people to allow the app the first time"
            description="Turn off only for the organisation's own apps."
            checked={requireConsent}
            onChange={(e) => setRequireConsent(e.currentTarget.checked)}
          />
          <Checkbox label="Everyone may open it" checked={everyone} onChange={(e) => setEveryone(e.currentTarget.checked)} />
          {!everyone && (
            <OptionsPicker
              label="Members of these groups may open it"
              description="A new app opens for nobody until you choose."
              none="Nobody yet"
              options={groups}
              value={groupIds}
              onChange={setGroupIds}
              error={fieldError('access')}
            />
          )}
          {otherError && <ErrorAlert title="The app was not registered">{otherError.message}</ErrorAlert>}
          <Row justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={saving}>
              Register app
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}
