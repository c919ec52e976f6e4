import { Anchor, Button, Center, Loader, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { PASSWORD_MIN_LENGTH } from '@foyer-fields/auth';
import { setupForm } from '@foyer-fields/setup';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { useSession } from '../session';
import { continueSignIn } from '../two-factor/continueSignIn';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

const TITLE = 'Create the first administrator';

type Values = { name: string; email: string; username: string; password: string };

export function SetupPage() {
  const [params] = useSearchParams();
  const token = params.get('token');
  const { setUser } = useSession();
  const navigate = useNavigate();
  const form = useFormFields<Values>({ name: '', email: '', username: '', password: '' }, setupForm);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // A used or expired link is explained before the form is shown: filling it in could never succeed.
  const linkCheck = useQuery({
    queryKey: ['setup-link', token],
    queryFn: () => call(client.POST('/api/v1/setup/check', { body: { token: token ?? '' } })).then(() => true),
    enabled: Boolean(token),
    retry: false,
    staleTime: Infinity,
  });

  if (!token) {
    return (
      <AuthCard title={TITLE}>
        <ErrorAlert title="This setup link is incomplete">
          Open the full setup link printed in the server log, including its token.
        </ErrorAlert>
      </AuthCard>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    if (!form.validate()) return;

    setSubmitting(true);
    const { name, email, username, password } = form.values;
    try {
      const reply = await call(
        client.POST('/api/v1/setup', {
          body: { token: token ?? '', name: name.trim(), email: email.trim(), username: username.trim(), password },
        }),
      );
      continueSignIn(reply, setUser, navigate);
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setFailure(error);
      setSubmitting(false);
    }
  }

  if (linkCheck.isPending) {
    return (
      <AuthCard title={TITLE}>
        <Center py="md">
          <Loader aria-label="Checking the setup link" />
        </Center>
      </AuthCard>
    );
  }
  const problem = failure ?? (linkCheck.error ? toApiError(linkCheck.error) : null);
  // After these answers the link can never succeed, so offering the form again would only mislead.
  const linkDead = problem?.status === 409 || problem?.status === 410;

  return (
    <AuthCard title={TITLE} subtitle={linkDead ? undefined : 'This account will be able to manage everyone else on this Foyer instance.'}>
      {problem && <SetupFailure error={problem} />}
      {!linkDead && (
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput label="Full name" autoComplete="name" autoFocus {...form.field('name')} />
            <TextInput label="Email" type="email" autoComplete="email" {...form.field('email')} />
            <TextInput label="Username" autoComplete="username" {...form.field('username')} />
            <PasswordInput
              label="Password"
              description={`At least ${PASSWORD_MIN_LENGTH} characters.`}
              autoComplete="new-password"
              {...form.field('password')}
            />
            <Button type="submit" fullWidth loading={submitting}>
              Create administrator
            </Button>
          </Stack>
        </form>
      )}
    </AuthCard>
  );
}

function SetupFailure({ error }: { error: ApiError }) {
  if (error.status === 409) {
    return (
      <ErrorAlert title="Setup is already complete">
        <Text size="sm">{error.message}</Text>
        <Anchor component={Link} to="/login" size="sm">
          Go to sign in
        </Anchor>
      </ErrorAlert>
    );
  }
  if (error.status === 410) {
    return (
      <ErrorAlert title="This setup link no longer works">
        <Text size="sm">{error.message}</Text>
        <Text size="sm">Check the server log for the current setup link.</Text>
      </ErrorAlert>
    );
  }
  return <ErrorAlert title="Setup failed">{error.message}</ErrorAlert>;
}
