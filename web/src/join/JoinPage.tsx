import { Anchor, Button, Center, Loader, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { PASSWORD_MIN_LENGTH } from '@foyer-fields/auth';
import { joinWithPasswordForm } from '@foyer-fields/signup-links';
import { ownAccountForm } from '@foyer-fields/users';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { usePasswordsEnabled } from '../forgot-password/usePasswordsEnabled';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';
import { JoinSteps } from './JoinSteps';
import { RegisterPasskeyStep } from './RegisterPasskeyStep';

type Values = { name: string; email: string; username: string; password: string };

/** The page behind a sign-up link (seed 000): name, email, username, then a passkey (or a password), then the dashboard. */
export function JoinPage() {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const [check, setCheck] = useState<'loading' | { instanceName: string } | ApiError>('loading');

  useEffect(() => {
    call(client.GET('/api/v1/signup-links/{token}', { params: { path: { token } } })).then(
      (link) => setCheck({ instanceName: link.instanceName }),
      (err: unknown) => setCheck(toApiError(err)),
    );
  }, [token]);

  if (check === 'loading') {
    return (
      <AuthCard title="Create your account">
        <Center py="md">
          <Loader />
        </Center>
      </AuthCard>
    );
  }
  if ('code' in check) return <LinkProblem error={check} />;
  return <JoinForm token={token} brand={check.instanceName} />;
}

const PROBLEM_TITLES: Record<string, string> = {
  signup_link_expired: 'This sign-up link has expired',
  signup_link_used_up: 'This sign-up link has been used up',
  signup_link_revoked: 'This sign-up link was withdrawn',
  signup_link_not_found: 'This sign-up link does not exist',
};

export function LinkProblem({ error }: { error: ApiError }) {
  const title = PROBLEM_TITLES[error.code] ?? 'This sign-up link cannot be used';
  return (
    <AuthCard title={title}>
      <Text size="sm">{error.message}</Text>
      <Text size="sm">
        Already have an account?{' '}
        <Anchor component={Link} to="/login" inherit>
          Sign in
        </Anchor>
      </Text>
    </AuthCard>
  );
}

function JoinForm({ token, brand }: { token: string; brand: string }) {
  const passwordsEnabled = usePasswordsEnabled();
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [method, setMethod] = useState<'passkey' | 'password'>('passkey');
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [step, setStep] = useState<0 | 1 | 2>(0);
  const usePassword = passwordsEnabled === true && method === 'password';
  const form = useFormFields<Values>({ name: '', email: '', username: '', password: '' }, usePassword ? joinWithPasswordForm : ownAccountForm);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    if (!form.validate()) return;
    const { name, email, username, password } = form.values;

    setSubmitting(true);
    try {
      const reply = await call(client.POST('/api/v1/signup-links/{token}/redeem', { params: { path: { token } }, body: {
        name: name.trim(),
        email: email.trim(),
        username: username.trim(),
        ...(usePassword ? { password } : {}),
      } }));
      if ('mfaRequired' in reply) {
        navigate('/login/mfa', { replace: true });
        return;
      }
      if (usePassword) {
        setStep(2);
        setUser(reply.user);
        navigate('/', { replace: true });
        return;
      }
      // The session exists now, but the account is only finished (and the console switches to the home page) once
      // the passkey is there; stopping here and following the link again with the same email comes back to this step.
      setStep(1);
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields) || error.status === 410) setFailure(error);
      setSubmitting(false);
    }
  }

  async function finish() {
    setStep(2);
    const me = await call(client.GET('/api/v1/me'));
    setUser(me.user);
    navigate('/', { replace: true });
  }

  if (failure?.status === 410) return <LinkProblem error={failure} />;

  if (step > 0) {
    return (
      <AuthCard brand={brand} title="Secure your account" subtitle="One last step: your account is finished once it has a passkey.">
        <JoinSteps active={step} />
        <RegisterPasskeyStep
          intro="Your browser or device will ask you to create a passkey: Face ID, Touch ID, your fingerprint, a PIN or a security key. You will use it to sign in from now on, no password needed."
          onDone={() => void finish()}
        />
      </AuthCard>
    );
  }

  return (
    <AuthCard brand={brand} title="Create your account" subtitle={`You were invited to join ${brand}. This takes about two minutes.`}>
      <JoinSteps active={0} />
      {failure && <ErrorAlert title="Could not create your account">{failure.message}</ErrorAlert>}
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput label="Name" autoComplete="name" autoFocus {...form.field('name')} />
          <TextInput label="Email" type="email" autoComplete="email" {...form.field('email')} />
          <TextInput
            label="Username"
            description="Letters, digits, dots, dashes and underscores."
            autoComplete="username"
            {...form.field('username')}
          />
          {passwordsEnabled && (
            <SegmentedControl
              aria-label="How you will sign in"
              value={method}
              onChange={(value) => setMethod(value as 'passkey' | 'password')}
              data={[
                { value: 'passkey', label: 'Passkey (recommended)' },
                { value: 'password', label: 'Password' },
              ]}
            />
          )}
          {usePassword && (
            <PasswordInput
              label="Password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters. Very common passwords are refused.`}
              autoComplete="new-password"
              {...form.field('password')}
            />
          )}
          <Button type="submit" fullWidth loading={submitting}>
            {usePassword ? 'Create account' : 'Continue'}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
