import { Alert, Button, Divider, Stack } from '@mantine/core';
import { IconAlertCircle, IconHourglass, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useSignInOptions } from '../sign-in/useSignInOptions';
import { pendingAppReturn } from '../apps/appReturn';
import { AWAITING_APPROVAL, ssoErrorMessage, ssoStartUrl, takeSsoOutcome, type SsoProviderRef } from './messages';

/** What the last single sign-on round trip came back to the sign-in page with: an error, or the approval notice. */
export function SsoSignInNotices() {
  const [outcome] = useState(takeSsoOutcome);
  if (outcome.notice === 'awaiting_approval') {
    return (
      <Alert color="yellow" icon={<IconHourglass />} title="Awaiting approval">
        {AWAITING_APPROVAL}
      </Alert>
    );
  }
  if (!outcome.error) return null;
  return (
    <Alert color="red" icon={<IconAlertCircle />} title="Single sign-on failed">
      {ssoErrorMessage(outcome.error)}
    </Alert>
  );
}

/**
 * One button per enabled provider. Each is a plain link: the browser leaves for the provider and comes back through
 * Foyer's callback.
 */
export function SsoSignIn() {
  // Only buttons: without the options the page simply offers the other ways in.
  const options = useSignInOptions();
  const providers: SsoProviderRef[] = options?.ssoProviders ?? [];
  const passwordsFollow = options?.passwordsEnabled !== false;

  if (providers.length === 0) return null;
  return (
    <Stack gap="sm">
      {providers.map((provider) => (
        <Button
          key={provider.id}
          component="a"
          href={ssoStartUrl(provider.id, 'sign_in', pendingAppReturn())}
          variant="default"
          size="md"
          fullWidth
          leftSection={<IconKey size={20} />}
        >
          Continue with {provider.name}
        </Button>
      ))}
      {passwordsFollow && <Divider label="or" labelPosition="center" />}
    </Stack>
  );
}
