import { Button, Divider, Loader, Modal, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { codeForm, reauthenticationPasswordForm } from '@foyer-fields/auth';
import { useQuery } from '@tanstack/react-query';
import { IconFingerprint, IconLogin } from '@tabler/icons-react';
import { useCallback, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { call, client, toApiError } from '../../api';
import { isPasskeyPromptDismissed, passkeyErrorMessage, reauthenticateWithPasskey, reauthenticationRequired } from '../../passkeys/webauthn';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { useFormFields } from '../../ui/useFormFields';

/** Thrown by `withConfirmation` when the person closes the prompt: the action was not done, and nothing failed. */
export class IdentityNotConfirmed extends Error {
  constructor() {
    super('Identity not confirmed');
    this.name = 'IdentityNotConfirmed';
  }
}

export const isIdentityNotConfirmed = (err: unknown) => err instanceof IdentityNotConfirmed;

type Props = { onConfirmed: () => void; onCancel: () => void };

export const REAUTH_METHODS = ['me', 'reauthenticate'];
/** This person's provider links: the prompt offers the enabled ones, the Single sign-on card lists them all. */
export const LINKED_SSO = ['me', 'sso'];

/**
 * "Confirm it's you", for changes that need a sign-in within the last 10 minutes. It offers exactly the ways this
 * person has: a passkey, the password, an authenticator code, or signing in again with a linked provider.
 */
export function ConfirmIdentityModal({ onConfirmed, onCancel }: Props) {
  const passwordForm = useFormFields({ password: '' }, reauthenticationPasswordForm);
  const totpForm = useFormFields({ code: '' }, codeForm);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'passkey' | 'password' | 'totp' | null>(null);
  const owned = useQuery({ queryKey: REAUTH_METHODS, queryFn: () => call(client.GET('/api/v1/me/reauthenticate')), staleTime: 0 });
  const linked = useQuery({ queryKey: LINKED_SSO, queryFn: () => call(client.GET('/api/v1/me/sso')) });
  const methods = owned.data?.methods ?? [];
  const providers = (linked.data?.items ?? []).filter((p) => p.enabled);

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

  async function confirmWith(event: FormEvent<HTMLFormElement>, method: 'password' | 'totp') {
    event.preventDefault();
    setError(null);
    const form = method === 'password' ? passwordForm : totpForm;
    if (!form.validate()) return;
    setBusy(method);
    try {
      const body = method === 'password' ? passwordForm.values : { method: 'totp' as const, code: totpForm.values.code.trim() };
      await call(client.POST('/api/v1/me/reauthenticate', { body }));
      onConfirmed();
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure.message);
      setBusy(null);
    }
  }

  const ways: ReactNode[] = [];
  if (methods.includes('passkey')) {
    ways.push(
      <Button key="passkey" leftSection={<IconFingerprint size={18} />} loading={busy === 'passkey'} disabled={busy !== null && busy !== 'passkey'} onClick={() => void withPasskey()}>
        Use a passkey
      </Button>,
    );
  }
  if (methods.includes('password')) {
    ways.push(
      <form key="password" onSubmit={(e) => void confirmWith(e, 'password')} noValidate>
        <Stack gap="sm">
          <PasswordInput label="Your password" autoComplete="current-password" {...passwordForm.field('password')} />
          <Button type="submit" variant="default" loading={busy === 'password'} disabled={busy !== null && busy !== 'password'}>
            Confirm with password
          </Button>
        </Stack>
      </form>,
    );
  }
  if (methods.includes('totp')) {
    ways.push(
      <form key="totp" onSubmit={(e) => void confirmWith(e, 'totp')} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Code from your authenticator app"
            inputMode="numeric"
            autoComplete="one-time-code"
            {...totpForm.field('code')}
          />
          <Button type="submit" variant="default" loading={busy === 'totp'} disabled={busy !== null && busy !== 'totp'}>
            Confirm with code
          </Button>
        </Stack>
      </form>,
    );
  }
  for (const provider of providers) {
    // A full sign-in with the provider: it starts a fresh session, after which the change can be made again.
    ways.push(
      <Button key={provider.providerId} component="a" href={`/api/v1/auth/sso/${encodeURIComponent(provider.providerId)}/start`} variant="default" leftSection={<IconLogin size={18} />}>
        Sign in again with {provider.name}
      </Button>,
    );
  }

  const loading = owned.isPending || linked.isPending;
  return (
    <Modal opened onClose={onCancel} title="Confirm it’s you" centered>
      <Stack>
        <Text size="sm">To change how you sign in, prove it is you. This keeps your account safe on a shared or unattended computer.</Text>
        {error && <ErrorAlert title="Not confirmed">{error}</ErrorAlert>}
        {owned.error && <ErrorAlert title="Could not load your sign-in methods">{toApiError(owned.error).message}</ErrorAlert>}
        {loading ? (
          <Loader size="sm" aria-label="Loading your sign-in methods" />
        ) : ways.length === 0 ? (
          <Text size="sm">Your account has no way to confirm it here. Sign out and sign in again, then make the change.</Text>
        ) : (
          ways.flatMap((way, i) => (i === 0 ? [way] : [<Divider key={`or-${i}`} label="or" labelPosition="center" />, way]))
        )}
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
