import { Alert, Center, Loader, Stack } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { AllowedDomainsForm } from './AllowedDomainsForm';
import { SmtpForm } from './SmtpForm';
import { TestEmailForm } from './TestEmailForm';
import type { MailSettings, Settings } from './types';
import { readSettings, section } from './settingsApi';

type EmailSettings = { mail: MailSettings; allowedDomains: string[] };

const emailSettings = (settings: Settings): EmailSettings => ({
  mail: section(settings, 'mail'),
  allowedDomains: section(settings, 'allowedDomains'),
});

export function EmailSettingsPage() {
  const [settings, setEmailSettings] = useState<EmailSettings | null>(null);
  const setSettings = (saved: Settings) => setEmailSettings(emailSettings(saved));
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(async () => {
    try {
      setEmailSettings(emailSettings(await readSettings()));
    } catch (err) {
      setError(toApiError(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const header = (
    <PageHeader title="Email" description="How Foyer sends email, and which email domains it deals with." />
  );
  if (error) {
    return (
      <>
        {header}
        <ErrorAlert title={error.status === 403 ? 'You cannot change settings' : 'Could not load the settings'}>{error.message}</ErrorAlert>
      </>
    );
  }
  if (!settings) {
    return (
      <>
        {header}
        <Center py="xl">
          <Loader />
        </Center>
      </>
    );
  }

  const { environment } = settings.mail;
  return (
    <>
      {header}
      <Stack maw={760} gap="lg">
        {(environment.smtpUrl || environment.mailFrom) && (
          <Alert color="blue" icon={<IconInfoCircle />} title="Set by the environment">
            {environment.smtpUrl && 'FOYER_SMTP_URL is set: Foyer sends through that server and ignores the SMTP server fields below. '}
            {environment.mailFrom && 'FOYER_MAIL_FROM is set: it is used instead of the From address below.'}
          </Alert>
        )}
        <SmtpForm mail={settings.mail} onSaved={setSettings} />
        <TestEmailForm delivery={settings.mail.delivery} />
        <AllowedDomainsForm domains={settings.allowedDomains} onSaved={setSettings} />
      </Stack>
    </>
  );
}
