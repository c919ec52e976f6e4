import { Button, Group } from '@mantine/core';
import { Link } from 'react-router-dom';
import { useSession } from '../session';

const TABS = [
  { to: '/admin/users', label: 'Users', permission: 'users.read' },
  { to: '/admin/roles', label: 'Roles', permission: 'roles.manage' },
] as const;

/** The two halves of "Users & Roles": separate routes, one header, so either screen links to the other. */
export function UsersRolesTabs({ active }: { active: (typeof TABS)[number]['to'] }) {
  const { user } = useSession();
  const visible = TABS.filter((tab) => user?.permissions.includes(tab.permission));
  if (visible.length < 2) return null;
  return (
    <Group component="nav" aria-label="Users and roles" gap={4} mb="lg" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
      {visible.map((tab) => {
        const current = tab.to === active;
        return (
          <Button
            key={tab.to}
            component={Link}
            to={tab.to}
            aria-current={current ? 'page' : undefined}
            variant="subtle"
            color={current ? 'indigo' : 'gray'}
            radius={0}
            style={{ borderBottom: `2px solid ${current ? 'var(--mantine-primary-color-filled)' : 'transparent'}`, marginBottom: -1 }}
          >
            {tab.label}
          </Button>
        );
      })}
    </Group>
  );
}
