import { Button } from '@mantine/core';
import { useSession } from '../session';
import { AuthCard } from '../ui/AuthCard';
import { JoinSteps } from './JoinSteps';
import { RegisterPasskeyStep } from './RegisterPasskeyStep';

/**
 * What a half-made account sees anywhere in the console: it was begun by a sign-up link or an invitation and has no
 * passkey yet, so its session can do nothing but finish (the server refuses the rest with `setup_incomplete`).
 */
export function FinishSetupPage() {
  const { refresh, signOut } = useSession();
  return (
    <AuthCard title="Finish setting up your account" subtitle="Your account is ready once it has a passkey. Nothing else is open to it until then.">
      <JoinSteps active={1} />
      <RegisterPasskeyStep
        intro="Your browser or device will ask you to create a passkey: Face ID, Touch ID, your fingerprint, a PIN or a security key."
        onDone={() => void refresh()}
      />
      <Button variant="subtle" onClick={() => void signOut()} fullWidth>
        Sign out
      </Button>
    </AuthCard>
  );
}
