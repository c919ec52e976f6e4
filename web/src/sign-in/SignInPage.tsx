import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { signInForm } from '@foyer-fields/auth';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { call, client, toApiError } from '../api';
import { useServerData } from '../api/queries';
import { ForgotPasswordLink, PasswordsOnly } from '../forgot-password/PasswordSignInParts';
import { RequestAccessLink } from '../request-access/RequestAccessLink';
import { useSession } from '../session';
import { continueSignIn } from '../two-factor/continueSignIn';
import { SsoSignIn, SsoSignInNotices } from '../sso/SsoSignIn';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PasskeySignIn } from './PasskeySignIn';
import { useFormFields } from '../ui/useFormFields';
import { ContinueToApp } from '../apps/ContinueToApp';
import { rememberAppReturn } from '../apps/appReturn';

type Values = { identifier: string; password: string };

export function SignInPage() {
  const { user, setUser } = useSession();
  const navigate = useNavigate();
  const form = useFormFields<Values>({ identifier: '', password: '' }, signInForm);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  const [appReturn] = useState(() => rememberAppReturn(window.location.search));
  if (user && appReturn.next && !appReturn.fresh) return <ContinueToApp next={appReturn.next} />;
  if (user && !appReturn.fresh) return <Navigate to="/" replace />;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    const identifier = form.values.identifier.trim();
    const { password } = form.values;

    setSubmitting(true);
    try {
      continueSignIn(await call(client.POST('/api/v1/auth/login', { body: { identifier, password } })), setUser, navigate);
    } catch (err) {
      const failure = toApiError(err);
      if (!form.showServerErrors(failure.fields)) setError(failure.message);
      setSubmitting(false);
    }
  }

  return (
    <AuthCard title="Sign in" subtitle="Use your Foyer account to continue.">
      <SetupNotice />
      <SsoSignInNotices />
      <PasskeySignIn />
      <SsoSignIn />
      <form onSubmit={submit} noValidate>
        <Stack>
          <PasswordsOnly>
            {error && <ErrorAlert title="Sign-in failed">{error}</ErrorAlert>}
            <TextInput label="Email or username" autoComplete="username" autoFocus {...form.field('identifier')} />
            <PasswordInput label="Password" autoComplete="current-password" {...form.field('password')} />
            <Button type="submit" fullWidth loading={submitting}>
              Sign in
            </Button>
            <ForgotPasswordLink />
          </PasswordsOnly>
          <RequestAccessLink />
        </Stack>
      </form>
    </AuthCard>
  );
}

function SetupNotice() {
  // The notice is only a hint; the form works (or explains itself) without it.
  const setupRequired = useServerData(['setup'], () => call(client.GET('/api/v1/setup'))).data?.setupRequired === true;

  if (!setupRequired) return null;
  return (
    <Alert color="blue" icon={<IconInfoCircle />} title="Foyer is not set up yet">
      No administrator exists yet. Open the one-time setup link printed in the server log to create the first
      administrator.
    </Alert>
  );
}
