import { Button, Code, Group, Image, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { enrolmentCodeForm, smsEnrolmentForm } from '@foyer-fields/auth';
import { useEffect, useState, type FormEvent } from 'react';
import { toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import {
  confirmMethod,
  METHOD_LABELS,
  startEmail,
  startSms,
  startTotp,
  type Confirmed,
  type MfaKind,
  type TotpEnrolment,
} from './mfaApi';

/** Runs an action that may need "confirm it's you" first; the account page passes its prompt, sign-in needs none. */
export type Guard = <T>(action: () => Promise<T>) => Promise<T>;
const unguarded: Guard = (action) => action();

type Props = {
  /** The methods that may be set up; already-enrolled ones are left out by the caller. */
  kinds: MfaKind[];
  email: string | null;
  guard?: Guard;
  onDone: (confirmed: Confirmed) => void;
  onCancel?: () => void;
};

/** Pick a second factor and set it up: start it, then prove it works with a code from it. */
export function EnrolTwoFactor({ kinds, email, guard = unguarded, onDone, onCancel }: Props) {
  const [kind, setKind] = useState<MfaKind>(kinds[0] ?? 'totp');
  if (kinds.length === 0) return <Text size="sm">Every kind of second factor this instance allows is already set up.</Text>;
  return (
    <Stack>
      {kinds.length > 1 && (
        <SegmentedControl
          aria-label="Kind of second factor"
          value={kind}
          onChange={(value) => setKind(value as MfaKind)}
          data={kinds.map((k) => ({ value: k, label: METHOD_LABELS[k] }))}
        />
      )}
      <EnrolMethod key={kind} kind={kind} email={email} guard={guard} onDone={onDone} onCancel={onCancel} />
    </Stack>
  );
}

type MethodProps = { kind: MfaKind; email: string | null; guard: Guard; onDone: (c: Confirmed) => void; onCancel?: () => void };

function EnrolMethod({ kind, email, guard, onDone, onCancel }: MethodProps) {
  const [totp, setTotp] = useState<TotpEnrolment | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const phoneForm = useFormFields({ phone: '' }, smsEnrolmentForm);
  const codeForm = useFormFields({ code: '' }, enrolmentCodeForm);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (kind !== 'totp') return;
    let current = true;
    guard(startTotp)
      .then((enrolment) => current && setTotp(enrolment))
      .catch((err: unknown) => current && setError(toApiError(err).message));
    return () => {
      current = false;
    };
  }, [kind, guard]);

  async function send() {
    setError(null);
    if (kind === 'sms' && !phoneForm.validate()) return;
    setBusy(true);
    try {
      const reply = await guard(() => (kind === 'sms' ? startSms(phoneForm.values.phone.trim()) : startEmail()));
      setSentTo(reply.sentTo);
    } catch (err) {
      const apiError = toApiError(err);
      if (!phoneForm.showServerErrors(apiError.fields)) setError(apiError.message);
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!codeForm.validate()) return;
    setBusy(true);
    try {
      onDone(await guard(() => confirmMethod(kind, codeForm.values.code.trim())));
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.code === 'invalid_mfa_code') codeForm.setErrors({ code: apiError.message });
      else if (!codeForm.showServerErrors(apiError.fields)) setError(apiError.message);
      setBusy(false);
    }
  }

  const ready = kind === 'totp' ? totp !== null : sentTo !== null;
  const codeLabel = kind === 'totp' ? 'Code from your app' : kind === 'email' ? 'Code from the email' : 'Code from the text message';

  return (
    <Stack>
      {error && <ErrorAlert title="Could not set this up">{error}</ErrorAlert>}
      {kind === 'totp' && totp && (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">Scan this QR code with an authenticator app (such as 1Password, Authy or Google Authenticator).</Text>
          <Image src={totp.qrCode} alt="QR code for your authenticator app" w={180} h={180} />
          <Text size="sm">
            Or enter this setup key by hand: <Code aria-label="Setup key">{totp.secret}</Code>
          </Text>
        </Stack>
      )}
      {kind === 'email' && !sentTo && (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">We will email a 6-digit code to {email ?? 'your address'} each time you sign in.</Text>
          <Button onClick={() => void send()} loading={busy}>
            Send a code
          </Button>
        </Stack>
      )}
      {kind === 'sms' && !sentTo && (
        <Stack gap="xs">
          <TextInput
            label="Phone number"
            description="In international format, such as +44 20 7946 0958"
            autoComplete="tel"
            {...phoneForm.field('phone')}
          />
          <Group>
            <Button onClick={() => void send()} loading={busy}>
              Send a code
            </Button>
          </Group>
        </Stack>
      )}
      {sentTo && <Text size="sm">We sent a code to {sentTo}. It works for 10 minutes.</Text>}
      {ready && (
        <form onSubmit={confirm} noValidate>
          <Stack gap="sm">
            <TextInput
              label={codeLabel}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              {...codeForm.field('code')}
            />
            <Group>
              <Button type="submit" loading={busy}>
                Turn on
              </Button>
              {onCancel && (
                <Button variant="default" onClick={onCancel}>
                  Cancel
                </Button>
              )}
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
