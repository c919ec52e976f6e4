import { SegmentedControl, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';
import { call, client } from '../api';
import { invalidate } from '../api/queries';
import { useSignInOptions } from '../sign-in/useSignInOptions';
import type { AdminUserDetail } from '../users/types';
import { useUserSso, userSsoKey } from './useUserSso';

type Method = 'local' | 'sso';

/**
 * Edit User → Authentication method (seed 004), shown only once a provider is enabled. The dialog renders `field` and
 * passes its saved user through `save`; switching to SSO links the account at the person's next SSO sign-in.
 */
export function useAuthMethodChoice(userId: string | undefined): {
  field: ReactNode;
  save: (saved: AdminUserDetail) => Promise<AdminUserDetail>;
} {
  // Without SSO details the dialog simply does not offer the choice.
  const ssoOn = (useSignInOptions()?.ssoProviders ?? []).length > 0;
  const current = useUserSso(userId).data?.method ?? null;
  const [picked, setChosen] = useState<Method | null>(null);
  const chosen = picked ?? current;

  /** Applies the choice after the dialog's own save, and answers the user as they are afterwards. */
  const save = async (saved: AdminUserDetail) => {
    if (!userId || !chosen || chosen === current) return saved;
    const reply = await call(client.PATCH('/api/v1/admin/users/{id}/auth-method', { params: { path: { id: userId } }, body: { method: chosen } }));
    await invalidate(userSsoKey(userId));
    setChosen(null);
    return reply.user;
  };

  if (!userId || !ssoOn || !chosen) return { field: null, save };
  return {
    save,
    field: (
      <Stack gap={4}>
        <Text size="sm" fw={500} id="auth-method-label">
          Authentication method
        </Text>
        <SegmentedControl
          aria-labelledby="auth-method-label"
          value={chosen}
          onChange={(value) => setChosen(value as Method)}
          data={[
            { value: 'local', label: 'Local' },
            { value: 'sso', label: 'SSO' },
          ]}
          w="fit-content"
        />
        <Text size="xs" c="dimmed">
          {chosen === 'sso'
            ? 'The password stops working. The account is linked automatically at the person’s next SSO sign-in, if the provider has verified their email.'
            : 'The person signs in with a password. Switching from SSO removes their provider links.'}
        </Text>
      </Stack>
    ),
  };
}
