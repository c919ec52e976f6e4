import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconAlertCircle, IconCircleCheck, IconInfoCircle, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { call, client, toApiError, type Schemas } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { formatDate, formatDateTime } from '../format';
import { isIdentityNotConfirmed, LINKED_SSO, REAUTH_METHODS, useConfirmIdentity } from '../account/security/ConfirmIdentity';
import { SectionCard } from '../ui/SectionCard';
import { DataTable, type Column } from '../ui/DataTable';
import { ErrorAlert } from '../ui/ErrorAlert';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { useSignInOptions } from '../sign-in/useSignInOptions';
import { ssoErrorMessage, takeSsoOutcome, type SsoProviderRef } from './messages';

export type LinkedProvider = Schemas['LinkedSsoProvider'];

function linkColumns(unlink: (link: LinkedProvider) => void): Column<LinkedProvider>[] {
  return [
    {
      header: 'Provider',
      cell: (l) => (
        <>
          <Text fw={500}>{l.name}</Text>
          {!l.enabled && (
            <Text size="xs" c="dimmed">
              Switched off by an administrator
            </Text>
          )}
        </>
      ),
    },
    { header: 'Linked', cell: (l) => formatDate(l.linkedAt) },
    { header: 'Last used', cell: (l) => formatDateTime(l.lastUsedAt) },
    {
      align: 'right',
      cell: (l) => (
        <Button variant="subtle" color="red" size="xs" onClick={() => unlink(l)} aria-label={`Unlink ${l.name}`}>
          Unlink
        </Button>
      ),
    },
  ];
}

/** My account → Security → Single sign-on: the providers this account is linked to, and linking another one. */
export function LinkedProvidersCard() {
  const mine = useServerData(LINKED_SSO, () => call(client.GET('/api/v1/me/sso')));
  const links: LinkedProvider[] | null = mine.data?.items ?? null;
  const loadError = mine.error;
  const options = useSignInOptions();
  const available: SsoProviderRef[] = options?.ssoProviders ?? [];
  const linkHint = options?.ssoLinkHint === true;
  const [linkError, setLinkError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [removing, setRemoving] = useState<LinkedProvider | null>(null);
  const [outcome] = useState(takeSsoOutcome);
  const { withConfirmation, prompt } = useConfirmIdentity();

  async function link(provider: SsoProviderRef) {
    setLinkError(null);
    setStarting(provider.id);
    try {
      const { url } = await withConfirmation(() => call(client.POST('/api/v1/me/sso/{id}/link', { params: { path: { id: provider.id } } })));
      window.location.assign(url);
    } catch (err) {
      if (!isIdentityNotConfirmed(err)) setLinkError(toApiError(err).message);
      setStarting(null);
    }
  }

  async function unlink(link: LinkedProvider) {
    try {
      await withConfirmation(() => call(client.DELETE('/api/v1/me/sso/{id}', { params: { path: { id: link.providerId } } })));
    } catch (err) {
      if (isIdentityNotConfirmed(err)) return;
      throw err;
    }
    notifications.show({ color: 'green', message: `${link.name} is no longer linked to your account.` });
    setRemoving(null);
    await invalidate(LINKED_SSO, REAUTH_METHODS);
  }

  const linkedIds = new Set((links ?? []).map((l) => l.providerId));
  const unlinked = available.filter((p) => !linkedIds.has(p.id));
  if (links && links.length === 0 && available.length === 0 && !outcome.error) return null;

  return (
    <SectionCard
      order={3}
      title="Single sign-on"
      description="Sign in with your organisation’s account. Foyer only learns that it is you; what you may do stays set in Foyer."
    >
      <Stack gap="sm">
        {outcome.linked && (
          <Alert color="green" icon={<IconCircleCheck />} title="Linked">
            {outcome.linked} is now linked: you can use it to sign in.
          </Alert>
        )}
        {outcome.error && (
          <Alert color="red" icon={<IconAlertCircle />} title="Linking failed">
            {ssoErrorMessage(outcome.error)}
          </Alert>
        )}
        {loadError && <ErrorAlert title="Could not load your single sign-on links">{loadError.message}</ErrorAlert>}
        {linkError && <ErrorAlert title="Could not start linking">{linkError}</ErrorAlert>}
        {linkHint && links?.length === 0 && unlinked.length > 0 && (
          <Alert color="blue" icon={<IconInfoCircle />} title="Add SSO">
            Link your organisation’s sign-in to this account, then use it to sign in next time.
          </Alert>
        )}
        {links && (
          <DataTable
            items={links}
            columns={linkColumns(setRemoving)}
            rowKey={(l) => l.providerId}
            label="Linked providers"
            empty="No provider is linked to your account."
          />
        )}
        {linkHint && unlinked.length > 0 && (
          <Group gap="sm">
            {unlinked.map((p) => (
              <Button
                key={p.id}
                variant="default"
                leftSection={<IconKey size={16} />}
                loading={starting === p.id}
                onClick={() => void link(p)}
              >
                Link {p.name}
              </Button>
            ))}
          </Group>
        )}
      </Stack>
      {removing && (
        <ConfirmDialog
          title={`Unlink ${removing.name}?`}
          confirmLabel="Unlink"
          color="red"
          onConfirm={() => unlink(removing)}
          onClose={() => setRemoving(null)}
        >
          You will no longer be able to sign in with {removing.name} until you link it again. Make sure you have another
          way to sign in, such as a password or a passkey.
        </ConfirmDialog>
      )}
      {prompt}
    </SectionCard>
  );
}
