import { Alert, Anchor, Button, Stack, Text, TextInput } from '@mantine/core';
import { forgotPasswordForm } from '@foyer-fields/auth';
import { IconMailCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

/** "Forgot password?": asks for the email address; the answer is the same whether or not it has an account. */
export function ForgotPasswordPage() {
  const form = useFormFields({ email: '' }, forgotPasswordForm);
  const [sent, setSent] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [submitting, setSubmitting] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setFailure(null);
    if (!form.validate()) return;
    const email = form.values.email.trim();
    setSubmitting(true);
    try {
      const reply = await call(client.POST('/api/v1/auth/password/forgot', { body: { email } }));
      setSent(reply.message);
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setFailure(error);
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <AuthCard title="Forgot your password?" subtitle="We will email you a link to choose a new one.">
      {sent ? (
        <Alert color="green" icon={<IconMailCheck />} title="Check your email">
          {sent}
        </Alert>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {failure && <ErrorAlert title="Could not send the link">{failure.message}</ErrorAlert>}
            <TextInput label="Email address" type="email" autoComplete="email" autoFocus {...form.field('email')} />
            <Button type="submit" fullWidth loading={submitting}>
              Email me a link
            </Button>
          </Stack>
        </form>
      )}
      <Text size="sm" ta="center">
        <Anchor component={Link} to="/login">
          Back to sign in
        </Anchor>
      </Text>
    </AuthCard>
  );
}
