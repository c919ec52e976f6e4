import { Alert, Button, Divider, Stack, Text } from '@mantine/core';
import { IconAlertCircle, IconCircleCheck, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useSignInOptions } from '../sign-in/useSignInOptions';
import { AWAITING_APPROVAL, ssoErrorMessage, ssoStartUrl, takeSsoOutcome, type SsoProviderRef } from './messages';

/**
 * The join request form's single sign-on part (seed 003): asking through a provider sends a request that carries the
 * email the provider verified, and creates the account that waits for an administrator.
 */
export function SsoJoinRequest() {
  const providers: SsoProviderRef[] = useSignInOptions()?.ssoProviders ?? [];
  const [outcome] = useState(takeSsoOutcome);

  if (outcome.notice === 'awaiting_approval') {
    return (
      <Alert color="green" icon={<IconCircleCheck />} title="Request sent">
        {AWAITING_APPROVAL}
      </Alert>
    );
  }
  return (
    <Stack gap="sm" mb="md">
      {outcome.error && (
        <Alert color="red" icon={<IconAlertCircle />} title="Your identity could not be verified">
          {ssoErrorMessage(outcome.error)}
        </Alert>
      )}
      {providers.length > 0 && (
        <>
          <Text size="sm">Ask with your organisation’s account: your request then carries an email address it has verified.</Text>
          {providers.map((provider) => (
            <Button
              key={provider.id}
              component="a"
              href={ssoStartUrl(provider.id, 'verify')}
              variant="default"
              fullWidth
              leftSection={<IconKey size={18} />}
            >
              Request access with {provider.name}
            </Button>
          ))}
          <Divider label="or" labelPosition="center" />
        </>
      )}
    </Stack>
  );
}
