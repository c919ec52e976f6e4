import { Button, Modal, Stack, Text } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { EndOtherSessionsOffer } from '../../two-factor/EndOtherSessionsOffer';
import { regenerateRecoveryCodes } from '../../two-factor/mfaApi';
import { RecoveryCodesList } from '../../two-factor/RecoveryCodesList';
import { useMfaStatus } from '../../two-factor/useMfaStatus';
import { ConfirmDialog } from '../../ui/ConfirmDialog';
import { isIdentityNotConfirmed, useConfirmIdentity } from './ConfirmIdentity';
import { SectionCard } from '../../ui/SectionCard';

/** My account → Security → Recovery codes: the way in when the second factor is lost. */
export function RecoveryCodesCard() {
  const { status, reload } = useMfaStatus();
  const [confirming, setConfirming] = useState(false);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [offerSessions, setOfferSessions] = useState(0);
  const { withConfirmation, prompt } = useConfirmIdentity();

  if (!status || (status.methods.length === 0 && status.recoveryCodesRemaining === 0)) return null;

  async function regenerate() {
    let reply: { recoveryCodes: string[]; otherSessionCount: number };
    try {
      reply = await withConfirmation(regenerateRecoveryCodes);
    } catch (err) {
      if (isIdentityNotConfirmed(err)) return;
      throw err;
    }
    setConfirming(false);
    setCodes(reply.recoveryCodes);
    setOfferSessions(reply.otherSessionCount);
    reload();
  }

  const left = status.recoveryCodesRemaining;
  return (
    <SectionCard
      order={3}
      title="Recovery codes"
      description="Each code signs you in once when you cannot use your second factor."
      actions={
        <Button variant="default" leftSection={<IconRefresh size={16} />} onClick={() => setConfirming(true)}>
          Generate new codes
        </Button>
      }
    >
      <Text size="sm" c={left <= 2 ? 'red' : undefined}>
        {left === 0 ? 'You have no recovery codes left.' : `You have ${left} unused recovery ${left === 1 ? 'code' : 'codes'}.`}
      </Text>
      {confirming && (
        <ConfirmDialog
          title="Generate new recovery codes?"
          confirmLabel="Generate new codes"
          onConfirm={regenerate}
          onClose={() => setConfirming(false)}
        >
          Your current recovery codes stop working at once.
        </ConfirmDialog>
      )}
      {codes && (
        <Modal opened onClose={() => setCodes(null)} title="Your new recovery codes" centered>
          <Stack>
            <RecoveryCodesList codes={codes} />
            <Button onClick={() => setCodes(null)}>I have saved them</Button>
          </Stack>
        </Modal>
      )}
      {!codes && offerSessions > 0 && <EndOtherSessionsOffer count={offerSessions} onClose={() => setOfferSessions(0)} />}
      {prompt}
    </SectionCard>
  );
}
