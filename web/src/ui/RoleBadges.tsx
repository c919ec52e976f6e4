import { Badge, Group, Text } from '@mantine/core';
import type { RoleRef } from '../api';
import { EMPTY } from '../format';

export function RoleBadges({ roles }: { roles: RoleRef[] }) {
  if (roles.length === 0) return <Text c="dimmed">{EMPTY}</Text>;
  return (
    <Group gap={6}>
      {roles.map((role) => (
        <Badge key={role.id} variant="outline" tt="none">
          {role.name}
        </Badge>
      ))}
    </Group>
  );
}
