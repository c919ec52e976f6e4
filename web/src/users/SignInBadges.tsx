import { Badge, Group } from '@mantine/core';
import type { AdminUserDetail } from './types';

type SignInMethod = AdminUserDetail['signInMethods'][number];

const METHODS: Record<SignInMethod, { label: string; color: string }> = {
  passkey: { label: 'Passkey', color: 'teal' },
  password: { label: 'Password', color: 'blue' },
  sso: { label: 'SSO', color: 'grape' },
};

type Props = {
  user: Pick<AdminUserDetail, 'signInMethods' | 'twoFactorEnabled' | 'emailVerified'>;
  /** The user page shows the verification beside the address instead. */
  withEmail?: boolean;
};

/**
 * How a person really signs in, each way in on its own badge (a passkey-only account is "Passkey", never a vague
 * "Local"), then whether a second step is on and whether their email address is verified. Wraps on a phone.
 */
export function SignInBadges({ user, withEmail = true }: Props) {
  return (
    <Group gap={4} data-testid="sign-in-badges">
      {user.signInMethods.length === 0 ? (
        <Badge size="sm" color="yellow" variant="light" tt="none">
          Not set up
        </Badge>
      ) : (
        user.signInMethods.map((method) => (
          <Badge key={method} size="sm" color={METHODS[method].color} variant="light" tt="none">
            {METHODS[method].label}
          </Badge>
        ))
      )}
      <Badge size="sm" color={user.twoFactorEnabled ? 'green' : 'gray'} variant={user.twoFactorEnabled ? 'light' : 'outline'} tt="none">
        {user.twoFactorEnabled ? '2FA on' : '2FA off'}
      </Badge>
      {withEmail && (
        <Badge size="sm" color={user.emailVerified ? 'green' : 'yellow'} variant="light" tt="none">
          {user.emailVerified ? 'Email verified' : 'Email not verified'}
        </Badge>
      )}
    </Group>
  );
}
