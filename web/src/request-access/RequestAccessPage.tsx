import { Alert, Anchor, Button, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { accessRequestForm } from '@foyer-fields/access-requests';
import { IconCircleCheck } from '@tabler/icons-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { call, client, toApiError } from '../api';
import { SsoJoinRequest } from '../sso/SsoJoinRequest';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useFormFields } from '../ui/useFormFields';

type Values = { name: string; email: string; message: string };

/** The public form at /signup: anyone may ask; an administrator decides. */
export function RequestAccessPage() {
  const form = useFormFields<Values>({ name: '', email: '', message: '' }, accessRequestForm);
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [sent, setSent] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    if (!form.validate()) return;
    const name = form.values.name.trim();
    const email = form.values.email.trim();
    const { message } = form.values;

    setSubmitting(true);
    try {
      await call(client.POST('/api/v1/access-requests', { body: { name, email, message } }));
      setSent(true);
    } catch (err) {
      const failure = toApiError(err);
      // The domain refusal belongs under the email field; everything else above the form.
      if (!form.showServerErrors(failure.fields)) setError(failure.message);
    } finally {
      setSubmitting(false);
    }
  }

  if (sent) {
    return (
      <AuthCard title="Thank you">
        <Alert color="green" icon={<IconCircleCheck />} title="Request received">
          If your request can be considered, an administrator will review it and you will hear from us by email.
        </Alert>
        <Anchor component={Link} to="/login" size="sm">
          Back to sign in
        </Anchor>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Request access" subtitle="Tell us who you are. An administrator will review your request.">
      <SsoJoinRequest />
      <form onSubmit={submit} noValidate>
        <Stack>
          {error && <ErrorAlert title="Your request was not sent">{error}</ErrorAlert>}
          <TextInput label="Name" autoComplete="name" autoFocus {...form.field('name')} />
          <TextInput label="Email" type="email" autoComplete="email" {...form.field('email')} />
          <Textarea
            label="Message"
            description="Optional: why you need access, or who sent you."
            autosize
            minRows={3}
            maxLength={2000}
            {...form.field('message')}
          />
          <Button type="submit" fullWidth loading={submitting}>
            Send request
          </Button>
          <Text size="sm" ta="center">
            Already have an account?{' '}
            <Anchor component={Link} to="/login">
              Sign in
            </Anchor>
          </Text>
        </Stack>
      </form>
    </AuthCard>
  );
}
