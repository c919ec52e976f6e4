import { Badge, Group, Text } from '@mantine/core';
import type { RoleRef } from '../api';
import { EMPTY } from '../format';
import type { UserDetail } from './types';

type Props = { direct: RoleRef[]; fromGroups: UserDetail['user']['rolesFromGroups'] };

/**
 * Roles given to the person directly, then those their groups carry, each saying which group: removing a direct role
 * does not take away one a group still gives, so the page says where each comes from.
 */
export function UserRoles({ direct, fromGroups }: Props) {
  if (direct.length + fromGroups.length === 0) return <Text c="dimmed">{EMPTY}</Text>;
  return (
    <Group gap={6} data-testid="user-roles">
      {direct.map((role) => (
        <Badge key={role.id} variant="outline" tt="none">
          {role.name}
        </Badge>
      ))}
      {fromGroups.map((role) => (
        <Badge key={`${role.id}-${role.group.id}`} variant="light" color="gray" tt="none" radius="sm" h="auto" maw="100%" styles={{ label: { whiteSpace: 'normal' } }} title={`Given by membership of ${role.group.name}`}>
          {role.name} — from group {role.group.name}
        </Badge>
      ))}
    </Group>
  );
}
