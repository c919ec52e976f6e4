import { Anchor, Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError, type Me } from '../api';
import { continueToApp, keepAppReturn, takeAppReturn } from '../apps/appReturn';
import { RegisterPasskeyStep } from '../join/RegisterPasskeyStep';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';

/**
 * A one-time login link from an administrator (seed 000): signs in on a click (not on page load, so a mail scanner
 * that opens links cannot spend it), then asks for a new passkey, since a lost one is why the link was sent.
 */
export function LoginLinkPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [signedIn, setSignedIn] = useState<Me | null>(null);
  const [appSignIn, setAppSignIn] = useState<string | null>(null);

  async function signIn() {
    setBusy(true);
    setFailure(null);
    try {
      const reply = await call(client.POST('/api/v1/auth/login-link', { body: { token } }));
      if ('mfaRequired' in reply) {
        // The second-factor page goes on to the app sign-in this tab keeps, as after a password.
        if (reply.next) keepAppReturn(reply.next);
        navigate('/login/mfa', { replace: true });
        return;
      }
      setSignedIn(reply.user);
      setAppSignIn(reply.next);
    } catch (err) {
      setFailure(toApiError(err));
      setBusy(false);
    }
  }

  // Sent here while an app was signing the person in (in this browser, perhaps another tab): go back to the app.
  function finish() {
    if (signedIn) setUser(signedIn);
    const sameTab = takeAppReturn();
    const app = appSignIn ?? sameTab;
    if (app) return continueToApp(app);
    navigate('/', { replace: true });
  }

  if (signedIn) {
    return (
      <AuthCard title="Register a new passkey" subtitle={`You are signed in as ${signedIn.email}.`}>
        <RegisterPasskeyStep
          intro="Create a passkey on this device so you can sign in without a link next time. Your browser or device will ask you to confirm."
          onDone={finish}
          onSkip={finish}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Sign in with a one-time link" subtitle="An administrator sent you this link. It works once.">
      {!token && <ErrorAlert title="This link is incomplete">Open the full link you were sent, including its token.</ErrorAlert>}
      {failure && (
        <ErrorAlert title="This link no longer works">
          <Stack gap={4}>
            <Text size="sm">{failure.message}</Text>
            <Anchor component={Link} to="/login" size="sm">
              Go to sign in
            </Anchor>
          </Stack>
        </ErrorAlert>
      )}
      {token && !failure && (
        <Button onClick={() => void signIn()} loading={busy} fullWidth>
          Sign in
        </Button>
      )}
    </AuthCard>
  );
}
