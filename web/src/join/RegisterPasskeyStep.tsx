import { Button, Stack, Text } from '@mantine/core';
import { IconFingerprint } from '@tabler/icons-react';
import { useState } from 'react';
import { registerPasskey } from '../passkeys/registerPasskey';
import { isPasskeyPromptDismissed, passkeyErrorMessage } from '../passkeys/webauthn';
import { ErrorAlert } from '../ui/ErrorAlert';

type Props = {
  /** What the person is told before the browser asks. */
  intro: string;
  onDone: () => void;
  /** Offered only where the person already has another way to sign in. */
  onSkip?: () => void;
};

/** The "now register a passkey" step that ends sign-up, invitations and login links. */
export function RegisterPasskeyStep({ intro, onDone, onSkip }: Props) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function register() {
    setBusy(true);
    setProblem(null);
    try {
      await registerPasskey();
      onDone();
    } catch (err) {
      setProblem(
        isPasskeyPromptDismissed(err) ? 'The passkey prompt was closed before a passkey was created. Try again when you are ready.' : passkeyErrorMessage(err),
      );
      setBusy(false);
    }
  }

  return (
    <Stack>
      <Text size="sm">{intro}</Text>
      {problem && <ErrorAlert title="No passkey was registered">{problem}</ErrorAlert>}
      <Button leftSection={<IconFingerprint size={18} />} onClick={() => void register()} loading={busy} fullWidth>
        Register a passkey
      </Button>
      {onSkip && (
        <Button variant="subtle" onClick={onSkip} disabled={busy} fullWidth>
          Skip for now
        </Button>
      )}
    </Stack>
  );
}
