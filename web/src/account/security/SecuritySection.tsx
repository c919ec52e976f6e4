import { Stack, Text, Title } from '@mantine/core';
import { LinkedProvidersCard } from '../../sso/LinkedProvidersCard';
import { PasskeysCard } from './PasskeysCard';
import { PasswordCard } from './PasswordCard';
import { RecoveryCodesCard } from './RecoveryCodesCard';
import { TwoFactorCard } from './TwoFactorCard';
import { SessionsCard } from './SessionsCard';

/** My account → Security: one card per way of signing in, then where the account is signed in. */
export function SecuritySection() {
  return (
    <Stack gap="md" mt="xl" maw={720} component="section" aria-labelledby="security-heading">
      <div>
        <Title order={2} fz="h3" id="security-heading">
          Security
        </Title>
        <Text c="dimmed" size="sm">
          How you sign in to Foyer, and where you are signed in.
        </Text>
      </div>
      <PasskeysCard />
      <LinkedProvidersCard />
      <PasswordCard />
      <TwoFactorCard />
      <RecoveryCodesCard />
      <SessionsCard />
    </Stack>
  );
}
