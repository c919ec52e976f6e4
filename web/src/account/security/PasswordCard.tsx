import { Alert, Button, Group, PasswordInput, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { changePasswordForm, PASSWORD_MIN_LENGTH } from '@foyer-fields/auth';
import { IconKey } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { call, client, toApiError, type ApiError } from '../../api';
import { invalidate, useServerData } from '../../api/queries';
import { ErrorAlert } from '../../ui/ErrorAlert';
import { useFormFields } from '../../ui/useFormFields';
import { isIdentityNotConfirmed, REAUTH_METHODS, useConfirmIdentity } from './ConfirmIdentity';
import { SectionCard } from '../../ui/SectionCard';

const MY_PASSWORD = ['me', 'password'];
type Values = { currentPassword: string; newPassword: string; confirm: string };

const plural = (n: number) => `${n} other ${n === 1 ? 'session' : 'sessions'}`;

/** My account → Security → Password: change it (or set a first one), then offer to sign out everywhere else. */
export function PasswordCard() {
  const { data: status, error: loadError } = useServerData(MY_PASSWORD, () => call(client.GET('/api/v1/me/password')));
  const [actionError, setError] = useState<ApiError | null>(null);
  const error = actionError ?? loadError;
  const [editing, setEditing] = useState(false);
  const [otherSessions, setOtherSessions] = useState(0);

  async function endOtherSessions() {
    try {
      const { ended } = await call(client.DELETE('/api/v1/me/sessions'));
      notifications.show({ color: 'green', message: `Signed out of ${plural(ended)}.` });
      setOtherSessions(0);
    } catch (err) {
      setError(toApiError(err));
    }
  }

  const description = !status
    ? undefined
    : !status.passwordsEnabled
      ? 'Passwords are turned off on this instance: sign in with a passkey.'
      : status.hasPassword
        ? 'Sign in with your email or username and this password.'
        : 'You have no password yet. Set one to sign in without a passkey.';

  const action =
    status?.passwordsEnabled && !editing ? (
      <Button variant="default" leftSection={<IconKey size={16} />} onClick={() => setEditing(true)}>
        {status.hasPassword ? 'Change password' : 'Set a password'}
      </Button>
    ) : null;

  return (
    <SectionCard order={3} title="Password" description={description} actions={action}>
      {error && <ErrorAlert title="Something went wrong">{error.message}</ErrorAlert>}
      {otherSessions > 0 && (
        <Alert color="blue" title="Sign out elsewhere?">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">Your password is changed. You are still signed in on {plural(otherSessions)}.</Text>
            <Button size="xs" color="red" variant="light" onClick={() => void endOtherSessions()}>
              Sign out of other sessions
            </Button>
          </Stack>
        </Alert>
      )}
      {status && editing && (
        <PasswordForm
          hasPassword={status.hasPassword}
          onCancel={() => setEditing(false)}
          onChanged={(others) => {
            setEditing(false);
            setOtherSessions(others);
            notifications.show({ color: 'green', message: 'Your password is changed.' });
            void invalidate(MY_PASSWORD, REAUTH_METHODS);
          }}
        />
      )}
    </SectionCard>
  );
}

function PasswordForm({ hasPassword, onCancel, onChanged }: { hasPassword: boolean; onCancel: () => void; onChanged: (others: number) => void }) {
  const form = useFormFields<Values>({ currentPassword: '', newPassword: '', confirm: '' }, changePasswordForm(hasPassword));
  const { withConfirmation, prompt } = useConfirmIdentity();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    if (!form.validate()) return;
    const { currentPassword, newPassword } = form.values;

    setBusy(true);
    try {
      const reply = await withConfirmation(() =>
        call(client.POST('/api/v1/me/password', { body: {
          ...(hasPassword ? { currentPassword } : {}),
          newPassword,
        } })),
      );
      onChanged(reply.otherSessionCount);
    } catch (err) {
      if (!isIdentityNotConfirmed(err)) {
        const error = toApiError(err);
        if (!form.showServerErrors(error.fields)) setFailure(error);
      }
      setBusy(false);
    }
  }

  // The prompt stays outside the form: its own form's submit event would otherwise bubble into this one.
  return (
    <>
      <form onSubmit={submit} noValidate>
        <Stack maw={420}>
          {failure && <ErrorAlert title="Password not changed">{failure.message}</ErrorAlert>}
          {hasPassword && <PasswordInput label="Current password" autoComplete="current-password" autoFocus {...form.field('currentPassword')} />}
          <PasswordInput
            label="New password"
            description={`At least ${PASSWORD_MIN_LENGTH} characters. Very common passwords are refused.`}
            autoComplete="new-password"
            autoFocus={!hasPassword}
            {...form.field('newPassword')}
          />
          <PasswordInput label="Confirm new password" autoComplete="new-password" {...form.field('confirm')} />
          <Group>
            <Button type="submit" loading={busy}>
              Save password
            </Button>
            <Button variant="default" onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
      {prompt}
    </>
  );
}
