import { Alert, Badge, Button, Group, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { addPasskeyForm, PASSKEY_NAME_MAX, renamePasskeyForm } from '@foyer-fields/auth';
import { IconAlertTriangle, IconFingerprint, IconPlus } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { call, client, toApiError, type ApiError, type Schemas } from '../../api';
import { invalidate, useServerData } from '../../api/queries';
import { EMPTY, formatDate, formatDateTime } from '../../format';
import { registerPasskey } from '../../passkeys/registerPasskey';
import { browserSupportsWebAuthn, isPasskeyPromptDismissed, passkeyErrorMessage } from '../../passkeys/webauthn';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { useFormFields } from '../../ui/useFormFields';
import { isIdentityNotConfirmed, REAUTH_METHODS, useConfirmIdentity } from './ConfirmIdentity';
import { SectionCard } from '../../ui/SectionCard';

export type Passkey = Schemas['Passkey'];

function passkeyColumns({ rename, remove }: { rename: (p: Passkey) => void; remove: (p: Passkey) => void }): Column<Passkey>[] {
  return [
    {
      header: 'Name',
      cell: (p) => (
        <Group gap="xs" wrap="nowrap">
          <IconFingerprint size={16} color="var(--mantine-color-dimmed)" />
          <Text size="sm" fw={500}>
            {p.name}
          </Text>
          {p.backedUp && (
            <Tooltip label="Synced across your devices by your passkey provider">
              <Badge variant="light" color="gray" tt="none">
                Synced
              </Badge>
            </Tooltip>
          )}
          {p.signCountRegressedAt && (
            <Tooltip label="This passkey reported an unexpected use count and may have been copied. It can no longer sign in: remove it and add it again.">
              <Badge variant="light" color="red" tt="none">
                Blocked
              </Badge>
            </Tooltip>
          )}
        </Group>
      ),
    },
    { header: 'Added', cell: (p) => formatDate(p.createdAt) },
    { header: 'Last used', cell: (p) => (p.lastUsedAt ? formatDateTime(p.lastUsedAt) : EMPTY) },
    {
      cell: (p) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          <Button size="compact-sm" variant="subtle" onClick={() => rename(p)} aria-label={`Rename ${p.name}`}>
            Rename
          </Button>
          <Button size="compact-sm" variant="subtle" color="red" onClick={() => remove(p)} aria-label={`Remove ${p.name}`}>
            Remove
          </Button>
        </Group>
      ),
    },
  ];
}

const MY_PASSKEYS = ['me', 'passkeys'];

// Adding or removing a passkey also changes the ways this person can confirm it's them.
const load = () => invalidate(MY_PASSKEYS, REAUTH_METHODS);

export function PasskeysCard() {
  const { data: passkeys, error: loadError } = useServerData(MY_PASSKEYS, async () => (await call(client.GET('/api/v1/me/passkeys'))).items);
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<Passkey | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const { withConfirmation, prompt } = useConfirmIdentity();

  async function remove(passkey: Passkey) {
    try {
      await withConfirmation(() => call(client.DELETE('/api/v1/me/passkeys/{id}', { params: { path: { id: passkey.id } } })));
    } catch (err) {
      if (isIdentityNotConfirmed(err)) return;
      throw err;
    }
    notifications.show({ color: 'green', message: `“${passkey.name}” was removed.` });
    setRemoving(null);
    await load();
  }

  const supported = browserSupportsWebAuthn();

  return (
    <SectionCard
      order={3}
      title="Passkeys"
      description="Sign in with your fingerprint, face or device PIN instead of a password. Passkeys cannot be phished or guessed."
      actions={
        supported && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add a passkey
          </Button>
        )
      }
    >
      {!supported && (
        <Alert color="yellow" icon={<IconAlertTriangle />} mb="md" title="This browser cannot use passkeys">
          Open Foyer in a current version of Chrome, Edge, Firefox or Safari to add a passkey.
        </Alert>
      )}
      {loadError && <ErrorAlert title="Could not load your passkeys">{loadError.message}</ErrorAlert>}
      {passkeys && (
        <DataTable
          items={passkeys}
          columns={passkeyColumns({ rename: setRenaming, remove: setRemoving })}
          rowKey={(p) => p.id}
          label="Your passkeys"
          empty="You have no passkeys yet."
          minWidth={560}
          spacing="xs"
        />
      )}
      {adding && (
        <AddPasskeyDialog
          register={(name) => withConfirmation(() => registerPasskey(name))}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            notifications.show({ color: 'green', message: 'Your passkey was added. You can use it to sign in now.' });
            void load();
          }}
        />
      )}
      {renaming && (
        <RenamePasskeyDialog
          passkey={renaming}
          onClose={() => setRenaming(null)}
          onRenamed={() => {
            setRenaming(null);
            void load();
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove “${removing.name}”?`}
          confirmLabel="Remove passkey"
          color="red"
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
        >
          You will no longer be able to sign in with this passkey. The copy on your device stays there until you delete it
          in your device’s settings.
        </ConfirmDialog>
      )}
      {prompt}
    </SectionCard>
  );
}

type AddProps = { register: (name: string | undefined) => Promise<void>; onClose: () => void; onAdded: () => void };

function AddPasskeyDialog({ register, onClose, onAdded }: AddProps) {
  const form = useFormFields({ name: '' }, addPasskeyForm);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    setBusy(true);
    try {
      await register(form.values.name.trim() || undefined);
      onAdded();
    } catch (err) {
      if (!isIdentityNotConfirmed(err) && !isPasskeyPromptDismissed(err)) setError(passkeyErrorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Add a passkey" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">Your browser will ask you to create the passkey with your fingerprint, face, device PIN or security key.</Text>
          {error && <ErrorAlert title="The passkey was not added">{error}</ErrorAlert>}
          <TextInput
            label="Passkey name"
            description="So you can tell your passkeys apart. Leave empty to name it after this browser."
            placeholder="Work laptop"
            maxLength={PASSKEY_NAME_MAX}
            data-autofocus
            {...form.field('name')}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} leftSection={<IconFingerprint size={16} />}>
              Create passkey
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

type RenameProps = { passkey: Passkey; onClose: () => void; onRenamed: () => void };

function RenamePasskeyDialog({ passkey, onClose, onRenamed }: RenameProps) {
  const form = useFormFields({ name: passkey.name }, renamePasskeyForm);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    setBusy(true);
    try {
      const body = { name: form.values.name.trim() };
      await call(client.PATCH('/api/v1/me/passkeys/{id}', { params: { path: { id: passkey.id } }, body }));
      onRenamed();
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure);
      setBusy(false);
    }
  }

  return (
    <Modal opened onClose={onClose} title="Rename passkey" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          {error && <ErrorAlert title="Not renamed">{error.message}</ErrorAlert>}
          <TextInput label="Passkey name" maxLength={PASSKEY_NAME_MAX} data-autofocus {...form.field('name')} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
