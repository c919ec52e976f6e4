import { Alert, Anchor, Button, Group, Stack, TextInput } from '@mantine/core';
import { IconCircleCheck, IconInbox, IconAlertCircle } from '@tabler/icons-react';
import { testEmailForm } from '@foyer-fields/mail';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { call, client, toApiError } from '../api';
import { useSession } from '../session';
import { SectionCard } from '../ui/SectionCard';
import { useFormFields } from '../ui/useFormFields';

type Outcome = { kind: 'sent' | 'captured'; to: string } | { kind: 'failed'; title: string; message: string };

export function TestEmailForm({ delivery }: { delivery: 'smtp' | 'captured' }) {
  const { user } = useSession();
  const form = useFormFields({ to: user?.email ?? '' }, testEmailForm);
  const { to } = form.values;
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    if (!form.validate()) return;
    setSending(true);
    try {
      const result = await call(client.POST('/api/v1/admin/settings/mail/test', { body: { to } }));
      setOutcome({ kind: result.status, to });
    } catch (err) {
      const error = toApiError(err);
      if (!form.showServerErrors(error.fields)) setOutcome({ kind: 'failed', title: error.code === 'email_domain_not_allowed' ? 'Not sent: domain not allowed' : 'The test email was not sent', message: error.message });
    } finally {
      setSending(false);
    }
  }

  return (
    <SectionCard
      title="Send a test email"
      description={
        delivery === 'smtp'
          ? 'Sends right away through the saved settings and shows the SMTP server’s answer. Save your changes first.'
          : 'No SMTP server is configured: the test email will be captured in the dev mailbox.'
      }
      onSubmit={submit}
    >
      <Stack>
        <Group align="end">
          <TextInput
            label="Send a test email to"
            type="email"
            {...form.field('to')}
            style={{ flex: 1 }}
            maw={420}
          />
          <Button type="submit" variant="light" loading={sending}>
            Send test email
          </Button>
        </Group>
        {outcome?.kind === 'sent' && (
          <Alert color="green" icon={<IconCircleCheck />} title="Test email sent">
            The SMTP server accepted the test email to {outcome.to}. Check that inbox (and its spam folder).
          </Alert>
        )}
        {outcome?.kind === 'captured' && (
          <Alert color="grape" icon={<IconInbox />} title="Captured in the dev mailbox">
            Nothing was delivered to {outcome.to}: no SMTP server is configured. The message is on the{' '}
            <Anchor component={Link} to="/admin/mail" inherit>
              Mail page
            </Anchor>
            .
          </Alert>
        )}
        {outcome?.kind === 'failed' && (
          <Alert color="red" icon={<IconAlertCircle />} title={outcome.title}>
            {outcome.message}
          </Alert>
        )}
      </Stack>
    </SectionCard>
  );
}
