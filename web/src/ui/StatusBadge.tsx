import { Badge } from '@mantine/core';
import type { UserStatus } from '../api';

const look: Record<UserStatus, { label: string; color: string }> = {
  active: { label: 'Active', color: 'green' },
  disabled: { label: 'Disabled', color: 'gray' },
  revoked: { label: 'Revoked', color: 'red' },
  pending_approval: { label: 'Awaiting approval', color: 'yellow' },
};

export function StatusBadge({ status }: { status: UserStatus }) {
  const { label, color } = look[status];
  return (
    // Never cut to "Disab…" when a table squeezes its column: the status is the one word that must be read whole.
    <Badge color={color} variant="light" tt="none" miw="max-content">
      {label}
    </Badge>
  );
}
