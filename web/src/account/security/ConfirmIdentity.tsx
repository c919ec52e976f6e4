import { Button, Divider, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { IconFingerprint } from '@tabler/icons-react';
import { useCallback, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { call, client, toApiError } from '../../api';
import { isPasskeyPromptDismissed, passkeyErrorMessage, reauthenticateWithPasskey, reauthenticationRequired } from '../../passkeys/webauthn';
import { ErrorAlert } from '../../ui/ErrorAlert';

/** Thrown by `withConfirmation` when the person closes the prompt: the action was not done, and nothing failed. */
export class IdentityNotConfirmed extends Error {
  constructor() {
    super('Identity not confirmed');
    this.name = 'IdentityNotConfirmed';
  }
}

export const isIdentityNotConfirmed = (err: unknown) => err instanceof IdentityNotConfirmed;

type Props = { onConfirmed: () => void; onCancel: () => void };

/** "Confirm it's you": a passkey or the password, for changes that need a sign-in within the last 10 minutes. */
export function ConfirmIdentityModal({ onConfirmed, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'passkey' | 'password' | null>(null);

  async function withPasskey() {
    setError(null);
    setBusy('passkey');
    try {
      await reauthenticateWithPasskey();
      onConfirmed();
    } catch (err) {
      if (!isPasskeyPromptDismissed(err)) setError(passkeyErrorMessage(err));
      setBusy(null);
    }
  }

  async function withPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!password) {
      setError('Enter your password.');
      return;
    }
    setError(null);
    setBusy('password');
    try {
      await call(client.POST('/api/v1/me/reauthenticate', { body: { password } }));
      onConfirmed();
    } catch (err) {
      setError(toApiError(err).message);
      setBusy(null);
    }
  }

  return (
    <Modal opened onClose={onCancel} title="Confirm it’s you" centered>
      <Stack>
        <Text size="sm">To change how you sign in, prove it is you. This keeps your account safe on a shared or unattended computer.</Text>
        {error && <ErrorAlert title="Not confirmed">{error}</ErrorAlert>}
        <Button leftSection={<IconFingerprint size={18} />} loading={busy === 'passkey'} disabled={busy === 'password'} onClick={() => void withPasskey()}>
          Use a passkey
        </Button>
        <Divider label="or" labelPosition="center" />
        <form onSubmit={withPassword} noValidate>
          <Stack gap="sm">
            <PasswordInput
              label="Your password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <Button type="submit" variant="default" loading={busy === 'password'} disabled={busy === 'passkey'}>
              Confirm with password
            </Button>
          </Stack>
        </form>
      </Stack>
    </Modal>
  );
}

/**
 * Runs a credential change and, when the server answers `reauthentication_required`, asks the person to confirm it
 * is them and runs the change once more. Render `prompt` somewhere in the component.
 */
export function useConfirmIdentity(): { withConfirmation: <T>(action: () => Promise<T>) => Promise<T>; prompt: ReactNode } {
  const [open, setOpen] = useState(false);
  const waiting = useRef<{ resolve: () => void; reject: (err: unknown) => void } | null>(null);

  const withConfirmation = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (err) {
      if (!reauthenticationRequired(err)) throw err;
    }
    await new Promise<void>((resolve, reject) => {
      waiting.current = { resolve, reject };
      setOpen(true);
    });
    return action();
  }, []);

  const settle = (confirmed: boolean) => {
    setOpen(false);
    if (confirmed) waiting.current?.resolve();
    else waiting.current?.reject(new IdentityNotConfirmed());
    waiting.current = null;
  };

  const prompt = open ? <ConfirmIdentityModal onConfirmed={() => settle(true)} onCancel={() => settle(false)} /> : null;
  return { withConfirmation, prompt };
}
