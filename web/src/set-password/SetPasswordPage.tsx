import { Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { PASSWORD_MIN_LENGTH, setPasswordForm } from '@foyer-fields/auth';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { useSession } from '../session';
import { continueSignIn } from '../two-factor/continueSignIn';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

/** The same page serves new accounts' set-password links and forgotten-password links; only the words differ. */
const WORDS = {
  set: {
    title: 'Set your password',
    subtitle: 'Choose the password you will use to sign in to Foyer.',
    action: 'Set password',
    newLink: 'Ask an administrator for a new link',
  },
  reset: {
    title: 'Choose a new password',
    subtitle: 'Your other sessions will be signed out.',
    action: 'Save new password',
    newLink: 'Request a new link',
  },
} as const;

export function SetPasswordPage({ purpose = 'set' }: { purpose?: keyof typeof WORDS }) {
  const words = WORDS[purpose];
  const [params] = useSearchParams();
  const token = params.get('token');
  const { setUser } = useSession();
  const navigate = useNavigate();
  const form = useFormFields({ password: '', confirm: '' }, setPasswordForm);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (!token) {
    return (
      <AuthCard title={words.title}>
        <ErrorAlert title="This link is incomplete">
          Open the full link you were sent, including its token, or ask an administrator for a new one.
        </ErrorAlert>
      </AuthCard>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    if (!form.validate()) return;

    setSubmitting(true);
    try {
      const reply = await call(client.POST('/api/v1/auth/password/reset', { body: { token: token ?? '', password: form.values.password } }));
      // A new password proves the first factor only: a second factor, when due, is still asked for.
      continueSignIn(reply, setUser, navigate);
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setFailure(error);
      setSubmitting(false);
    }
  }

  const linkDead = failure?.status === 410;

  return (
    <AuthCard title={words.title} subtitle={words.subtitle}>
      {failure && <ResetFailure error={failure} purpose={purpose} />}
      {!linkDead && (
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label="New password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters. Very common passwords are refused.`}
              autoComplete="new-password"
              autoFocus
              {...form.field('password')}
            />
            <PasswordInput label="Confirm password" autoComplete="new-password" {...form.field('confirm')} />
            <Button type="submit" fullWidth loading={submitting}>
              {words.action}
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}

function ResetFailure({ error, purpose }: { error: ApiError; purpose: keyof typeof WORDS }) {
  if (error.status !== 410) return <ErrorAlert title="Could not set your password">{error.message}</ErrorAlert>;
  return (
    <ErrorAlert title="This link no longer works">
      <Text size="sm">{error.message}</Text>
      <Text size="sm">
        {purpose === 'reset' ? (
          <Anchor component={Link} to="/forgot-password" inherit>
            {WORDS.reset.newLink}
          </Anchor>
        ) : (
          WORDS.set.newLink
        )}
        , or{' '}
        <Anchor component={Link} to="/login" inherit>
          go to sign in
        </Anchor>
        .
      </Text>
    </ErrorAlert>
  );
}
