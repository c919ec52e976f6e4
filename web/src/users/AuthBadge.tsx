import { Badge } from '@mantine/core';
import type { AuthMethod } from '../api';
import { AUTH_LABELS } from './labels';

const COLORS: Record<AuthMethod, string> = { local: 'blue', sso: 'grape', sso_password: 'violet', pending_setup: 'yellow' };

export function AuthBadge({ method }: { method: AuthMethod }) {
  return (
    <Badge color={COLORS[method]} variant="light" tt="none">
      {AUTH_LABELS[method]}
    </Badge>
  );
}
