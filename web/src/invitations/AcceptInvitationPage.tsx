import { Anchor, Button, Center, Divider, Loader, PasswordInput, Stack, Text } from '@mantine/core';
import { PASSWORD_MIN_LENGTH, setPasswordForm } from '@foyer-fields/auth';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { usePasswordsEnabled } from '../forgot-password/usePasswordsEnabled';
import { RegisterPasskeyStep } from '../join/RegisterPasskeyStep';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

type Invitation = { name: string; email: string; expiresAt: string; hasPassword: boolean };
type Values = { password: string; confirm: string };

/** The page behind an invitation email: set a password or register a passkey; either confirms the email and signs in. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [invitation, setInvitation] = useState<Invitation | ApiError | null>(null);

  useEffect(() => {
    if (!token) return;
    call(client.GET('/api/v1/invitations/{token}', { params: { path: { token } } })).then(setInvitation, (err: unknown) => setInvitation(toApiError(err)));
  }, [token]);

  if (!token) {
    return (
      <AuthCard title="Accept your invitation">
        <ErrorAlert title="This link is incomplete">Open the full link from your invitation email, including its token.</ErrorAlert>
      </AuthCard>
    );
  }
  if (!invitation) {
    return (
      <AuthCard title="Accept your invitation">
        <Center py="md">
          <Loader />
        </Center>
      </AuthCard>
    );
  }
  if (invitation instanceof Error) return <InvitationProblem error={invitation} />;
  return <AcceptForm token={token} invitation={invitation} />;
}

function InvitationProblem({ error }: { error: ApiError }) {
  return (
    <AuthCard title="This invitation link no longer works">
      <Text size="sm">{error.message}</Text>
      <Text size="sm">
        <Anchor component={Link} to="/login" inherit>
          Go to sign in
        </Anchor>
      </Text>
    </AuthCard>
  );
}

function AcceptForm({ token, invitation }: { token: string; invitation: Invitation }) {
  const passwordsEnabled = usePasswordsEnabled();
  const { setUser } = useSession();
  const navigate = useNavigate();
  // The new password meets the same rule as on a set-password link; the server checks it again with its own codes.
  const form = useFormFields<Values>({ password: '', confirm: '' }, setPasswordForm);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<'password' | 'passkey' | null>(null);
  const [needsPasskey, setNeedsPasskey] = useState(false);

  async function accept(body: { password: string } | { passkey: true }) {
    setFailure(null);
    setBusy('password' in body ? 'password' : 'passkey');
    try {
      const reply = await call(client.POST('/api/v1/invitations/{token}/accept', { params: { path: { token } }, body: body }));
      if ('mfaRequired' in reply) {
        navigate('/login/mfa', { replace: true });
        return;
      }
      if ('passkey' in body) {
        setNeedsPasskey(true);
        return;
      }
      setUser(reply.user);
      navigate('/', { replace: true });
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setFailure(error);
      setBusy(null);
    }
  }

  function submitPassword(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (form.validate()) void accept({ password: form.values.password });
  }

  async function finish() {
    const me = await call(client.GET('/api/v1/me'));
    setUser(me.user);
    navigate('/', { replace: true });
  }

  if (failure?.status === 410 || failure?.status === 404) return <InvitationProblem error={failure} />;

  if (needsPasskey) {
    return (
      <AuthCard title="Register a passkey" subtitle="Your email address is confirmed.">
        <RegisterPasskeyStep
          intro="Your browser or device will ask you to create a passkey. You will use it to sign in from now on."
          onDone={() => void finish()}
          onSkip={invitation.hasPassword ? () => void finish() : undefined}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard title={`Welcome, ${invitation.name}`} subtitle={`Set up how you sign in as ${invitation.email}. This also confirms your email address.`}>
      {failure && <ErrorAlert title="Could not accept the invitation">{failure.message}</ErrorAlert>}
      <Button onClick={() => void accept({ passkey: true })} loading={busy === 'passkey'} disabled={busy === 'password'} fullWidth>
        Use a passkey (recommended)
      </Button>
      {passwordsEnabled !== false && (
        <>
          <Divider label="or set a password" labelPosition="center" />
          <form onSubmit={submitPassword} noValidate>
            <Stack>
              <PasswordInput
                label="New password"
                description={`At least ${PASSWORD_MIN_LENGTH} characters. Very common passwords are refused.`}
                autoComplete="new-password"
                {...form.field('password')}
              />
              <PasswordInput label="Confirm password" autoComplete="new-password" {...form.field('confirm')} />
              <Button type="submit" variant="default" fullWidth loading={busy === 'password'} disabled={busy === 'passkey'}>
                Set password and sign in
              </Button>
            </Stack>
          </form>
        </>
      )}
    </AuthCard>
  );
}
