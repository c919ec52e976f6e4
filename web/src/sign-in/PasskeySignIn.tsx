import { Button, Divider, Stack } from '@mantine/core';
import { IconFingerprint } from '@tabler/icons-react';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { browserSupportsWebAuthn, isPasskeyPromptDismissed, passkeyErrorMessage, signInWithPasskey } from '../passkeys/webauthn';
import { useSession } from '../session';
import { continueSignIn } from '../two-factor/continueSignIn';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useSignInOptions } from './useSignInOptions';

/** The first way in on the sign-in page: no username, the browser offers the passkeys it holds for Foyer. */
export function PasskeySignIn() {
  const { setUser } = useSession();
  const navigate = useNavigate();
  const options = useSignInOptions();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!browserSupportsWebAuthn()) return null;
  // A passkey-only instance without single sign-on has nothing below the button to say "or" to.
  const moreBelow = options !== null && (options.passwordsEnabled || options.ssoProviders.length > 0);

  async function start() {
    setError(null);
    setBusy(true);
    try {
      continueSignIn(await signInWithPasskey(), setUser, navigate);
    } catch (err) {
      if (!isPasskeyPromptDismissed(err)) setError(passkeyErrorMessage(err));
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm">
      {error && <ErrorAlert title="Passkey sign-in failed">{error}</ErrorAlert>}
      <Button size="md" fullWidth leftSection={<IconFingerprint size={20} />} loading={busy} onClick={() => void start()}>
        Continue with a passkey
      </Button>
      {moreBelow && <Divider label="or" labelPosition="center" />}
    </Stack>
  );
}
