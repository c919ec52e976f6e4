import { Alert, Badge, Button, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconShieldCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDate, formatDateTime, EMPTY } from '../../format';
import { useSession } from '../../session';
import { EndOtherSessionsOffer } from '../../two-factor/EndOtherSessionsOffer';
import { EnrolTwoFactor } from '../../two-factor/EnrolTwoFactor';
import { METHOD_LABELS, removeMethod, type Confirmed, type MfaKind, type MfaStatus } from '../../two-factor/mfaApi';
import { RecoveryCodesList } from '../../two-factor/RecoveryCodesList';
import { useMfaStatus } from '../../two-factor/useMfaStatus';
import { DataTable, type Column } from '../../ui/DataTable';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { isIdentityNotConfirmed, useConfirmIdentity } from './ConfirmIdentity';
import { SectionCard } from '../../ui/SectionCard';

type Method = MfaStatus['methods'][number];

function methodColumns(allowed: MfaKind[], remove: (kind: MfaKind) => void): Column<Method>[] {
  return [
    {
      header: 'Method',
      cell: (m) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            <IconShieldCheck size={14} style={{ verticalAlign: 'middle', marginRight: 4 }} />
            {METHOD_LABELS[m.kind]}
          </Text>
          {m.phone && (
            <Text size="xs" c="dimmed">
              {m.phone}
            </Text>
          )}
          {!allowed.includes(m.kind) && (
            <Badge color="gray" size="xs" variant="light">
              Not allowed any more
            </Badge>
          )}
        </Stack>
      ),
    },
    { header: 'Added', cell: (m) => formatDate(m.confirmedAt) },
    { header: 'Last used', cell: (m) => (m.lastUsedAt ? formatDateTime(m.lastUsedAt) : EMPTY) },
    {
      align: 'right',
      cell: (m) => (
        <Button variant="subtle" color="red" size="xs" onClick={() => remove(m.kind)} aria-label={`Remove ${METHOD_LABELS[m.kind]}`}>
          Remove
        </Button>
      ),
    },
  ];
}

/** My account → Security → Two-factor authentication: the second factors asked for after a password. */
export function TwoFactorCard() {
  const { user } = useSession();
  const { status, error, reload } = useMfaStatus();
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<MfaKind | null>(null);
  const [newCodes, setNewCodes] = useState<string[] | null>(null);
  const [offerSessions, setOfferSessions] = useState(0);
  const { withConfirmation, prompt } = useConfirmIdentity();

  const enrolled = new Set(status?.methods.map((m) => m.kind));
  const addable = status?.allowedMethods.filter((k) => !enrolled.has(k)) ?? [];

  function added(result: Confirmed) {
    setAdding(false);
    notifications.show({ color: 'green', message: `${METHOD_LABELS[result.method]} is turned on.` });
    reload();
    if (result.recoveryCodes) setNewCodes(result.recoveryCodes);
    setOfferSessions(result.otherSessionCount);
  }

  async function remove(kind: MfaKind) {
    let reply: { otherSessionCount: number };
    try {
      reply = await withConfirmation(() => removeMethod(kind));
    } catch (err) {
      if (isIdentityNotConfirmed(err)) return;
      throw err;
    }
    setRemoving(null);
    notifications.show({ color: 'green', message: `${METHOD_LABELS[kind]} was removed.` });
    reload();
    setOfferSessions(reply.otherSessionCount);
  }

  return (
    <SectionCard
      order={3}
      title="Two-factor authentication"
      description="After your password, Foyer asks for a code from your phone, app or email. Passkeys do not need it."
      actions={
        addable.length > 0 && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
            Add a second factor
          </Button>
        )
      }
    >
      {error && <ErrorAlert title="Could not load your second factors">{error.message}</ErrorAlert>}
      {status?.required && status.methods.length === 0 && (
        <Alert color="yellow" mb="md" title="Required by your organisation">
          Set up a second factor now: without one you will not be able to sign in with your password.
        </Alert>
      )}
      {status && (
        <DataTable
          items={status.methods}
          columns={methodColumns(status.allowedMethods, setRemoving)}
          rowKey={(m) => m.kind}
          label="Your second factors"
          empty="Two-factor authentication is off."
          spacing="xs"
        />
      )}

      {adding && status && (
        <Modal opened onClose={() => setAdding(false)} title="Add a second factor" centered size="md">
          <EnrolTwoFactor kinds={addable} email={user?.email ?? null} guard={withConfirmation} onDone={added} onCancel={() => setAdding(false)} />
        </Modal>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove ${METHOD_LABELS[removing]}?`}
          confirmLabel="Remove"
          color="red"
          onConfirm={() => remove(removing)}
          onClose={() => setRemoving(null)}
        >
          Foyer will stop asking for it when you sign in.
        </ConfirmDialog>
      )}
      {newCodes && (
        <Modal opened onClose={() => setNewCodes(null)} title="Your recovery codes" centered>
          <Stack>
            <RecoveryCodesList codes={newCodes} />
            <Button onClick={() => setNewCodes(null)}>I have saved them</Button>
          </Stack>
        </Modal>
      )}
      {!newCodes && offerSessions > 0 && <EndOtherSessionsOffer count={offerSessions} onClose={() => setOfferSessions(0)} />}
      {prompt}
    </SectionCard>
  );
}
