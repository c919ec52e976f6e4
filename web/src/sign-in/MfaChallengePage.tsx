import { Anchor, Button, Center, Loader, Radio, Stack, Text, TextInput } from '@mantine/core';
import { codeForm } from '@foyer-fields/auth';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { call, client, toApiError, type Me } from '../api';
import { queryClient, useServerData } from '../api/queries';
import { useSession } from '../session';
import { continueSignIn, goOnAfterSignIn } from '../two-factor/continueSignIn';
import { EnrolTwoFactor } from '../two-factor/EnrolTwoFactor';
import { METHOD_LABELS, type Confirmed, type MfaKind, type SignInMethod } from '../two-factor/mfaApi';
import { RecoveryCodesList } from '../two-factor/RecoveryCodesList';
import { useMfaStatus } from '../two-factor/useMfaStatus';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

type Pending = { methods: SignInMethod[]; enrolmentRequired: boolean };

const PENDING_SIGN_IN = ['auth', 'mfa'];

// The server names the methods as plain strings; they are the sign-in methods this console knows.
const fetchPending = async (): Promise<Pending> => {
  const reply = await call(client.GET('/api/v1/auth/mfa'));
  return { ...reply, methods: reply.methods as SignInMethod[] };
};

/** /login/mfa: the second step of a sign-in, or setting up a first second factor when the instance requires one. */
export function MfaChallengePage() {
  const { user } = useSession();
  const location = useLocation();
  const to = (location.state as { to?: string } | null)?.to ?? '/';
  // Asked at each visit and kept no longer: the half-done sign-in changes only through this page's own steps, and the
  // next sign-in may be someone else's.
  const { data: pending, error } = useServerData(PENDING_SIGN_IN, fetchPending, { refetchOnWindowFocus: false, gcTime: 0 });

  if (user) return <Navigate to={to} replace />;
  if (error && !pending) {
    return (
      <AuthCard title="Sign in again">
        <ErrorAlert title="This sign-in has expired">{error.status === 401 ? 'It was not completed within a few minutes, or it was already completed.' : error.message}</ErrorAlert>
        <Anchor component={Link} to="/login">
          Back to sign in
        </Anchor>
      </AuthCard>
    );
  }
  if (!pending) {
    return (
      <AuthCard title="Two-factor authentication">
        <Center py="md">
          <Loader />
        </Center>
      </AuthCard>
    );
  }
  if (pending.enrolmentRequired) return <EnrolAtSignIn to={to} />;
  return <Challenge methods={pending.methods} to={to} onEnrolmentRequired={() => queryClient.setQueryData<Pending>(PENDING_SIGN_IN, { methods: [], enrolmentRequired: true })} />;
}

const CODE_LABELS: Record<SignInMethod, string> = {
  totp: 'Code from your authenticator app',
  email: 'Code from the email',
  sms: 'Code from the text message',
  recovery_code: 'Recovery code',
};

function Challenge({ methods, to, onEnrolmentRequired }: { methods: SignInMethod[]; to: string; onEnrolmentRequired: () => void }) {
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [method, setMethod] = useState<SignInMethod>(methods[0] ?? 'recovery_code');
  const form = useFormFields({ code: '' }, codeForm);
  const [error, setError] = useState<string | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState<'send' | 'verify' | null>(null);
  const lockedOut = methods.length === 1 && methods[0] === 'recovery_code';

  function pick(value: string) {
    setMethod(value as SignInMethod);
    form.setValue('code', '');
    form.setErrors({});
    setError(null);
    setSentTo(null);
  }

  async function send(method: 'email' | 'sms') {
    setError(null);
    setBusy('send');
    try {
      setSentTo((await call(client.POST('/api/v1/auth/mfa/send', { body: { method } }))).sentTo);
    } catch (err) {
      setError(toApiError(err).message);
    } finally {
      setBusy(null);
    }
  }

  async function verify(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    setBusy('verify');
    try {
      const reply = await call(client.POST('/api/v1/auth/mfa', { body: { method, code: form.values.code.trim() } }));
      if ('mfaRequired' in reply && reply.enrolmentRequired) {
        onEnrolmentRequired();
        return;
      }
      continueSignIn(reply, setUser, navigate, to);
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.code === 'invalid_mfa_code') form.setErrors({ code: apiError.message });
      else if (!form.showServerErrors(apiError.fields)) setError(apiError.message);
      setBusy(null);
    }
  }

  return (
    <AuthCard
      title="Two-factor authentication"
      subtitle={
        lockedOut
          ? 'Your organisation requires two-factor authentication and you have not set it up. Ask an administrator for a one-time recovery code.'
          : 'Confirm it is you with your second factor.'
      }
    >
      {error && <ErrorAlert title="Not signed in">{error}</ErrorAlert>}
      {methods.length > 1 && (
        <Radio.Group label="Verify with" value={method} onChange={pick}>
          <Stack gap="xs" mt="xs">
            {methods.map((m) => (
              <Radio key={m} value={m} label={METHOD_LABELS[m]} />
            ))}
          </Stack>
        </Radio.Group>
      )}
      {(method === 'email' || method === 'sms') && (
        <Stack gap={4} align="flex-start">
          <Button variant="light" onClick={() => void send(method)} loading={busy === 'send'}>
            {sentTo ? 'Send a new code' : 'Send code'}
          </Button>
          {sentTo && (
            <Text size="sm" c="dimmed">
              We sent a code to {sentTo}. It works for 10 minutes.
            </Text>
          )}
        </Stack>
      )}
      <form onSubmit={verify} noValidate>
        <Stack gap="sm">
          <TextInput
            label={CODE_LABELS[method]}
            autoFocus
            autoComplete="one-time-code"
            inputMode={method === 'recovery_code' ? 'text' : 'numeric'}
            {...form.field('code')}
          />
          <Button type="submit" fullWidth loading={busy === 'verify'}>
            Verify
          </Button>
        </Stack>
      </form>
      <Anchor component={Link} to="/login" size="sm">
        Cancel and sign in again
      </Anchor>
    </AuthCard>
  );
}

function EnrolAtSignIn({ to }: { to: string }) {
  const { setUser } = useSession();
  const navigate = useNavigate();
  const { status, error: loadError } = useMfaStatus();
  const error = loadError?.message ?? null;
  const [done, setDone] = useState<(Confirmed & { user: Me }) | null>(null);

  function finish() {
    if (!done) return;
    setUser(done.user);
    goOnAfterSignIn(navigate, to);
  }

  function confirmed(result: Confirmed) {
    if (!result.user) return;
    const signedIn = { ...result, user: result.user };
    if (result.recoveryCodes) setDone(signedIn);
    else {
      setUser(signedIn.user);
      goOnAfterSignIn(navigate, to);
    }
  }

  return (
    <AuthCard
      title="Set up two-factor authentication"
      subtitle="Your organisation requires a second factor. Set one up to finish signing in."
    >
      {error && <ErrorAlert title="Could not continue">{error}</ErrorAlert>}
      {done?.recoveryCodes ? (
        <Stack>
          <RecoveryCodesList codes={done.recoveryCodes} />
          <Button onClick={finish}>Continue</Button>
        </Stack>
      ) : (
        status && <EnrolTwoFactor kinds={status.allowedMethods as MfaKind[]} email={null} onDone={confirmed} />
      )}
    </AuthCard>
  );
}
