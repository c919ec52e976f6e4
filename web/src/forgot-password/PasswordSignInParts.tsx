import { Anchor, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { usePasswordsEnabled } from './usePasswordsEnabled';

/** Wraps the sign-in page's password form: a passkey-only instance shows no password field at all. */
export function PasswordsOnly({ children }: { children: ReactNode }) {
  return usePasswordsEnabled() === false ? null : <>{children}</>;
}

/** The sign-in page's "Forgot password?" link, hidden when passwords are turned off. */
export function ForgotPasswordLink() {
  const enabled = usePasswordsEnabled();
  if (enabled === false) return null;
  return (
    <Group justify="flex-end">
      <Anchor component={Link} to="/forgot-password" size="sm">
        Forgot password?
      </Anchor>
    </Group>
  );
}
