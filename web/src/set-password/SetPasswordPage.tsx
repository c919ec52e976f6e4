import { Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, toApiError, type ApiError, type Me } from '../api';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { MIN_PASSWORD_LENGTH, passwordProblem } from '../ui/passwords';
import { useFormFields } from '../ui/useFormFields';

const TITLE = 'Set your password';

type Values = { password: string; confirm: string };

function localProblems({ password, confirm }: Values): Partial<Values> {
  return {
    password: passwordProblem(password),
    confirm: confirm === password ? undefined : 'The passwords do not match.',
  };
}

export function SetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const { setUser } = useSession();
  const navigate = useNavigate();
  const form = useFormFields<Values>({ password: '', confirm: '' });
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);

  if (!token) {
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert title="This link is incomplete">
          Open the full link you were sent, including its token, or ask an administrator for a new one.
        </ErrorAlert>
      </AuthCard>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    const problems = localProblems(form.values);
    form.setErrors(problems);
    if (Object.values(problems).some(Boolean)) return;

    setSubmitting(true);
    try {
      const reply = await api<{ user: Me }>('POST', '/api/v1/auth/password/reset', {
        token,
        password: form.values.password,
      });
      setUser(reply.user);
      navigate('/', { replace: true });
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setFailure(error);
      setSubmitting(false);
    }
  }

  const linkDead = failure?.status === 410;

  return (
    <AuthCard title={TITLE} subtitle="Choose the password you will use to sign in to Foyer.">
      {failure && <ResetFailure error={failure} />}
      {!linkDead && (
        <form onSubmit={submit} noValidate>
          <Stack>
            <PasswordInput
              label="New password"
              description={`At least ${MIN_PASSWORD_LENGTH} characters.`}
              autoComplete="new-password"
              autoFocus
              {...form.field('password')}
            />
            <PasswordInput label="Confirm password" autoComplete="new-password" {...form.field('confirm')} />
            <Button type="submit" fullWidth loading={submitting}>
              Set password
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}

function ResetFailure({ error }: { error: ApiError }) {
  if (error.status !== 410) return <ErrorAlert title="Could not set your password">{error.message}</ErrorAlert>;
  return (
    <ErrorAlert title="This link no longer works">
      <Text size="sm">{error.message}</Text>
      <Text size="sm">
        Ask an administrator for a new link, or{' '}
        <Anchor component={Link} to="/login" inherit>
          go to sign in
        </Anchor>
        .
      </Text>
    </ErrorAlert>
  );
}
