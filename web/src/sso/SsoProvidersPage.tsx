import { Badge, Button, Center, Group, Loader, Menu, Paper, Stack, Switch, Table, Text, ActionIcon } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconPencil, IconPlugConnected, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { call, client, toApiError } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { SIGN_IN_OPTIONS } from '../sign-in/useSignInOptions';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { SectionCard } from '../ui/SectionCard';
import { ConnectionTestResult } from './ConnectionTestResult';
import { SsoProviderDialog } from './SsoProviderDialog';
import type { ConnectionTest, SsoProvider } from './types';
import { saveSettings, useSettings } from '../settings/settingsApi';
import { DANGER_MENU_ITEM } from '../theme';

const SSO_PROVIDERS = ['sso-providers'];

const fetchProviders = async () =>
  (await call(client.GET('/api/v1/admin/sso-providers', { params: { query: { limit: 500 } } }))).items;

/** A provider added, changed or removed also changes the buttons on the sign-in page. */
const reload = () => invalidate(SSO_PROVIDERS, SIGN_IN_OPTIONS);

/** Settings → SSO providers: the OpenID Connect providers people may sign in with. */
export function SsoProvidersPage() {
  const { data: providers, error: providersError } = useServerData(SSO_PROVIDERS, fetchProviders);
  const { settings, error: settingsError } = useSettings();
  const error = providersError ?? settingsError;
  const [editing, setEditing] = useState<SsoProvider | 'new' | null>(null);
  const [removing, setRemoving] = useState<SsoProvider | null>(null);
  const [tests, setTests] = useState<Record<string, ConnectionTest | 'running'>>({});
  // The switch shows the value being saved until the server has answered.
  const [savingHint, setSavingHint] = useState<boolean | null>(null);
  const linkHint = savingHint ?? (settings ? (settings.sso?.linkHint ?? false) : null);

  async function setEnabled(provider: SsoProvider, enabled: boolean) {
    try {
      await call(client.PATCH('/api/v1/admin/sso-providers/{id}', { params: { path: { id: provider.id } }, body: { enabled } }));
      notifications.show({ color: 'green', message: `${provider.name} is ${enabled ? 'enabled' : 'disabled'}.` });
      await reload();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not changed', message: toApiError(err).message });
    }
  }

  async function test(provider: SsoProvider) {
    setTests((t) => ({ ...t, [provider.id]: 'running' }));
    try {
      const result = await call(client.POST('/api/v1/admin/sso-providers/{id}/test', { params: { path: { id: provider.id } } }));
      setTests((t) => ({ ...t, [provider.id]: result }));
    } catch (err) {
      setTests((t) => ({ ...t, [provider.id]: { ok: false, problems: [toApiError(err).message], issuer: null, authorizationEndpoint: null } }));
    }
  }

  async function saveLinkHint(value: boolean) {
    setSavingHint(value);
    try {
      await saveSettings({ sso: { linkHint: value } });
    } catch (err) {
      notifications.show({ color: 'red', title: 'Not saved', message: toApiError(err).message });
    } finally {
      setSavingHint(null);
    }
  }

  const header = (actions?: ReactNode) => (
    <PageHeader
      title="SSO providers"
      description="OpenID Connect providers people can sign in with. Providers prove who someone is; what they may do is always set in Foyer."
      actions={actions}
    />
  );
  if (error) {
    return (
      <>
        {header()}
        <ErrorAlert title={error.status === 403 ? 'You cannot change settings' : 'Could not load the providers'}>{error.message}</ErrorAlert>
      </>
    );
  }
  if (!providers) {
    return (
      <>
        {header()}
        <Center py="xl">
          <Loader />
        </Center>
      </>
    );
  }

  return (
    <>
      {header(
        <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')}>
          Add provider
        </Button>,
      )}
      <Stack maw={960} gap="lg">
        <SectionCard title="Providers">
          {providers.length === 0 ? (
            <Text c="dimmed" size="sm">
              No provider yet. Add one with the issuer URL, client ID and client secret your identity provider gives you.
            </Text>
          ) : (
            <Table verticalSpacing="sm" aria-label="SSO providers">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Issuer</Table.Th>
                  <Table.Th>Client secret</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {providers.map((p) => {
                  const result = tests[p.id];
                  return [
                    <Table.Tr key={p.id}>
                      <Table.Td fw={500}>{p.name}</Table.Td>
                      <Table.Td>
                        <Text size="sm" ff="monospace">
                          {p.issuer}
                        </Text>
                      </Table.Td>
                      <Table.Td>{p.clientSecretSet ? <Badge variant="light" tt="none">Stored</Badge> : <Badge variant="light" color="gray" tt="none">None</Badge>}</Table.Td>
                      <Table.Td>
                        <Switch checked={p.enabled} onChange={(e) => void setEnabled(p, e.currentTarget.checked)} aria-label={`Enable ${p.name}`} />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          <Button
                            variant="default"
                            size="xs"
                            leftSection={<IconPlugConnected size={14} />}
                            loading={result === 'running'}
                            onClick={() => void test(p)}
                          >
                            Test connection
                          </Button>
                          <Menu position="bottom-end">
                            <Menu.Target>
                              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${p.name}`}>
                                <IconDots size={18} />
                              </ActionIcon>
                            </Menu.Target>
                            <Menu.Dropdown>
                              <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setEditing(p)}>
                                Edit
                              </Menu.Item>
                              <Menu.Item color={DANGER_MENU_ITEM} leftSection={<IconTrash size={16} />} onClick={() => setRemoving(p)}>
                                Remove
                              </Menu.Item>
                            </Menu.Dropdown>
                          </Menu>
                        </Group>
                      </Table.Td>
                    </Table.Tr>,
                    result && result !== 'running' && (
                      <Table.Tr key={`${p.id}-test`}>
                        <Table.Td colSpan={5}>
                          <ConnectionTestResult result={result} />
                        </Table.Td>
                      </Table.Tr>
                    ),
                  ];
                })}
              </Table.Tbody>
            </Table>
          )}
        </SectionCard>
        <Paper withBorder radius="md" p="lg">
          <Switch
            label="Offer “Add SSO” to people who have not linked a provider yet"
            description="They see it under My account → Security, and can link their organisation’s sign-in in one step."
            checked={linkHint ?? false}
            disabled={linkHint === null}
            onChange={(e) => void saveLinkHint(e.currentTarget.checked)}
          />
        </Paper>
      </Stack>
      {editing && (
        <SsoProviderDialog
          provider={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            notifications.show({ color: 'green', message: `${saved.name} was saved.` });
            setEditing(null);
            void reload();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          confirmLabel="Remove provider"
          color="red"
          irreversible
          onConfirm={async () => {
            await call(client.DELETE('/api/v1/admin/sso-providers/{id}', { params: { path: { id: removing.id } } }));
            notifications.show({ color: 'green', message: `${removing.name} was removed.` });
            setRemoving(null);
            await reload();
          }}
          onClose={() => setRemoving(null)}
        >
          Everyone linked to {removing.name} loses that link. People who only signed in through it will need another way
          in, such as a password set through Forgot password.
        </ConfirmDialog>
      )}
    </>
  );
}
