import { Alert, Center, Loader, Stack } from '@mantine/core';
import { IconInfoCircle } from '@tabler/icons-react';
import { useMemo } from 'react';
import { toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { AllowedDomainsForm } from './AllowedDomainsForm';
import { SmtpForm } from './SmtpForm';
import { TestEmailForm } from './TestEmailForm';
import type { MailSettings, Settings } from './types';
import { section, useSettings } from './settingsApi';

type EmailSettings = { mail: MailSettings; allowedDomains: string[] };

const emailSettings = (settings: Settings): EmailSettings => ({
  mail: section(settings, 'mail'),
  allowedDomains: section(settings, 'allowedDomains'),
});

export function EmailSettingsPage() {
  const loaded = useSettings();
  const { settings, error } = useMemo(() => {
    if (loaded.error || !loaded.settings) return { settings: null, error: loaded.error };
    try {
      return { settings: emailSettings(loaded.settings), error: null };
    } catch (err) {
      return { settings: null, error: toApiError(err) };
    }
  }, [loaded.settings, loaded.error]);

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
        <SmtpForm mail={settings.mail} />
        <TestEmailForm delivery={settings.mail.delivery} />
        <AllowedDomainsForm domains={settings.allowedDomains} />
      </Stack>
    </>
  );
}
