import { Alert, Button, Group, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconMailExclamation } from '@tabler/icons-react';
import { verifyEmailForm } from '@foyer-fields/email-verification';
import { useState, type FormEvent } from 'react';
import { call, client, toApiError } from '../api';
import { useSession } from '../session';
import { useFormFields } from '../ui/useFormFields';

/** On My account while the email is unconfirmed: enter the 6-digit code from the sign-up email, or ask for a new one. */
export function VerifyEmailCard() {
  const { user, refresh } = useSession();
  const form = useFormFields({ code: '' }, verifyEmailForm);
  const [busy, setBusy] = useState<'verify' | 'send' | null>(null);

  if (!user || user.emailVerified !== false) return null;

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!form.validate()) return;
    setBusy('verify');
    try {
      await call(client.POST('/api/v1/me/email/verify', { body: { code: form.values.code.trim() } }));
      notifications.show({ color: 'green', message: 'Your email address is confirmed.' });
      await refresh();
    } catch (err) {
      // Every refusal of the code (wrong, expired, too many tries) reads best under the field.
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) form.setErrors({ code: failure.message });
    } finally {
      setBusy(null);
    }
  }

  async function resend() {
    setBusy('send');
    try {
      const sent = await call(client.POST('/api/v1/me/email/verification'));
      notifications.show(
        sent.mail === 'blocked'
          ? { color: 'orange', title: 'No code was sent', message: sent.mailReason ?? '' }
          : { color: 'green', message: `A new code is on its way to ${user?.email}.` },
      );
    } catch (err) {
      notifications.show({ color: 'red', title: 'No code was sent', message: toApiError(err).message });
    } finally {
      setBusy(null);
    }
  }

  return (
    <Alert color="yellow" icon={<IconMailExclamation />} title="Confirm your email address" maw={720} mb="lg">
      We sent a 6-digit code to {user.email}. Enter it to confirm the address is yours.
      <form onSubmit={verify} noValidate>
        <Group align="flex-start" mt="sm" gap="sm">
          <TextInput
            label="Confirmation code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            {...form.field('code')}
            w={180}
          />
          <Button type="submit" mt={25} loading={busy === 'verify'}>
            Confirm
          </Button>
          <Button variant="subtle" mt={25} onClick={() => void resend()} loading={busy === 'send'}>
            Send a new code
          </Button>
        </Group>
      </form>
    </Alert>
  );
}
