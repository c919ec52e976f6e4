import { AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconLogout, IconUser, IconUsers } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import type { Me } from '../api';
import { useSession } from '../session';

export function AppLayout() {
  const { user, signOut } = useSession();
  const [navOpened, nav] = useDisclosure(false);

  if (!user) return <Navigate to="/login" replace />;

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navOpened} onClick={nav.toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Text fw={800} fz="xl" c="indigo.7">
              Foyer
            </Text>
          </Group>
          <Group gap="md" wrap="nowrap">
            <Text size="sm" fw={500} truncate="end" visibleFrom="xs">
              {user.name}
            </Text>
            <Button variant="default" size="xs" leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <Navigation user={user} onNavigate={nav.close} />
      </AppShell.Navbar>

      <AppShell.Main bg="var(--mantine-color-gray-0)">
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function Navigation({ user, onNavigate }: { user: Me; onNavigate: () => void }) {
  return (
    <nav aria-label="Main">
      <NavItem to="/" label="My account" icon={<IconUser size={18} />} onNavigate={onNavigate} />
      {user.permissions.includes('users.read') && (
        <NavItem to="/admin/users" label="Users" icon={<IconUsers size={18} />} onNavigate={onNavigate} />
      )}
    </nav>
  );
}

type NavItemProps = { to: string; label: string; icon: ReactNode; onNavigate: () => void };

function NavItem({ to, label, icon, onNavigate }: NavItemProps) {
  const { pathname } = useLocation();
  const active = pathname === to;
  return (
    <NavLink
      component={Link}
      to={to}
      label={label}
      leftSection={icon}
      active={active}
      aria-current={active ? 'page' : undefined}
      onClick={onNavigate}
      variant="light"
      mb={4}
    />
  );
}
