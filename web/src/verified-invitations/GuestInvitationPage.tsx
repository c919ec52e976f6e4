import { Alert, Button, Loader, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { toApiError, type ApiError } from '../api';
import { registerPasskey } from '../passkeys/registerPasskey';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { CodeChoice, SpokenCode } from './CodeChoice';
import { Countdown } from './Countdown';
import { guestChooses, guestEventsUrl, joinInvitation, signInAsGuest, useLiveInvitation } from './invitationsApi';
import { ABORT_REASONS, type GuestInvitation } from './types';

const TITLE = 'Join Foyer';

const JOIN_FAILURES: Record<string, { title: string; body: string }> = {
  not_found: { title: 'This invitation link is not valid', body: 'Check that you opened the full link, or ask for a new one.' },
  verified_invitation_already_opened: {
    title: 'This link was already opened elsewhere',
    body: 'An invitation link works in one browser only. If that was not you, tell the person who invited you.',
  },
  verified_invitation_expired: { title: 'This invitation timed out', body: 'Ask the person who invited you for a new one.' },
  verified_invitation_aborted: { title: 'This invitation was stopped', body: 'Ask the person who invited you for a new one.' },
};

/** The guest's side: wait to be greeted, exchange codes with the host, then sign in and register a passkey. */
export function GuestInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const [initial, setInitial] = useState<GuestInvitation | null>(null);
  const [joinError, setJoinError] = useState<ApiError | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [invitation, setInvitation] = useLiveInvitation<GuestInvitation>(initial ? guestEventsUrl(initial.id) : null, initial);
  const [signedIn, setSignedIn] = useState(false);

  useEffect(() => {
    if (token) joinInvitation(token).then(setInitial, (err: unknown) => setJoinError(toApiError(err)));
  }, [token]);

  if (!token) {
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert title="This link is incomplete">Open the full link you were given, including its token.</ErrorAlert>
      </AuthCard>
    );
  }
  if (joinError) {
    const failure = JOIN_FAILURES[joinError.code] ?? { title: 'Could not open the invitation', body: joinError.message };
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert title={failure.title}>{failure.body}</ErrorAlert>
      </AuthCard>
    );
  }
  if (!invitation) {
    return (
      <AuthCard title={TITLE}>
        <Loader mx="auto" />
      </AuthCard>
    );
  }

  async function choose(code: string) {
    setError(null);
    setBusy(true);
    try {
      setInvitation(await guestChooses(invitation!.id, code));
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  }

  const host = invitation.hostName ?? invitation.invitedBy ?? 'your host';
  const inCodes = ['greeted', 'guest_confirmed', 'host_confirmed'].includes(invitation.state);

  if (invitation.state === 'completed' || signedIn) {
    return <SignInStep invitation={invitation} onSignedIn={() => setSignedIn(true)} />;
  }

  return (
    <AuthCard title={TITLE} subtitle={invitation.invitedBy ? `${invitation.invitedBy} invited you.` : undefined}>
      {error && <ErrorAlert title="That did not work">{error.message}</ErrorAlert>}
      {invitation.state === 'guest_waiting' && (
        <Stack align="center">
          <Loader />
          <Text ta="center">Waiting for {host} to greet you. Keep this page open; it updates by itself.</Text>
        </Stack>
      )}
      {inCodes && invitation.code && (
        <Stack>
          <SpokenCode code={invitation.code} to={host} />
          {invitation.choices ? (
            <CodeChoice label={`Which code does ${host} read out?`} choices={invitation.choices} busy={busy} onChoose={(c) => void choose(c)} />
          ) : (
            <Text size="sm" c="green" ta="center">
              You confirmed {host}’s code. Waiting for {host} to confirm yours.
            </Text>
          )}
        </Stack>
      )}
      {invitation.state === 'details' && (
        <Stack align="center">
          <Loader />
          <Text ta="center">Both codes matched. {host} is now confirming your details.</Text>
        </Stack>
      )}
      {invitation.state === 'aborted' && (
        <Alert color="red" title="This invitation was stopped">
          {ABORT_REASONS[invitation.abortReason ?? ''] ?? 'It can no longer be used.'} Ask for a new invitation.
        </Alert>
      )}
      {invitation.state === 'expired' && (
        <Alert color="orange" title="This invitation timed out">
          A step took too long. Ask the person who invited you for a new invitation.
        </Alert>
      )}
      {!['aborted', 'expired'].includes(invitation.state) && <Countdown deadline={invitation.stepDeadline} />}
    </AuthCard>
  );
}

type Step = 'signing_in' | 'passkey' | 'failed';

/** The account exists: exchange this browser's pass for a session, then ask for a passkey to sign in with next time. */
function SignInStep({ invitation, onSignedIn }: { invitation: GuestInvitation; onSignedIn: () => void }) {
  const { setUser, refresh } = useSession();
  const navigate = useNavigate();
  const [step, setStep] = useState<Step>('signing_in');
  const [error, setError] = useState<ApiError | null>(null);
  const [registering, setRegistering] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    signInAsGuest(invitation.id).then(
      (reply) => {
        onSignedIn();
        if (!('user' in reply)) return navigate('/login/mfa', { replace: true });
        setUser(reply.user);
        setStep('passkey');
      },
      (err: unknown) => {
        setError(toApiError(err));
        setStep('failed');
      },
    );
  }, [invitation.id, navigate, onSignedIn, setUser]);

  async function addPasskey() {
    setError(null);
    setRegistering(true);
    try {
      await registerPasskey();
      // The passkey finishes the account: its session is no longer the set-up kind, so read it again.
      await refresh();
      navigate('/', { replace: true });
    } catch (err) {
      setError(toApiError(err));
      setRegistering(false);
    }
  }

  if (step === 'failed') {
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert title="Could not sign you in">
          Your account was created, but this browser could not be signed in ({error?.message}). Ask your administrator for a login link.
        </ErrorAlert>
      </AuthCard>
    );
  }
  if (step === 'signing_in') {
    return (
      <AuthCard title={TITLE}>
        <Loader mx="auto" />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Welcome to Foyer" subtitle="Your account is ready once it has a passkey: you will sign in with it from now on.">
      {error && <ErrorAlert title="The passkey was not registered">{error.message}</ErrorAlert>}
      <Button onClick={() => void addPasskey()} loading={registering} fullWidth>
        Register a passkey
      </Button>
    </AuthCard>
  );
}
