import { AppShell, Burger, Button, Group, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconHome, IconLayoutDashboard, IconLogout, IconShieldLock, IconUser, IconUsers, IconUsersGroup } from '@tabler/icons-react';
import { IconKey, IconMail, IconSettings } from '@tabler/icons-react';
import { IconApps, IconUserQuestion } from '@tabler/icons-react';
import { IconUserShield } from '@tabler/icons-react';
import { IconShieldCheck } from '@tabler/icons-react';
import { IconLink } from '@tabler/icons-react';
import { IconApi, IconListDetails } from '@tabler/icons-react';
import { useEffect, type ReactNode } from 'react';
import { Link, Navigate, Outlet, useLocation } from 'react-router-dom';
import type { Me } from '../api';
import { FinishSetupPage } from '../join/FinishSetupPage';
import { MailDeliveryBanner } from '../mail/MailDeliveryBanner';
import { useSession } from '../session';
import { ColorSchemeToggle } from './ColorSchemeToggle';

export function AppLayout() {
  const { user, signOut } = useSession();
  const [navOpened, nav] = useDisclosure(false);
  useScrollToHash();

  if (!user) return <Navigate to="/login" replace />;
  if (user.setupIncomplete) return <FinishSetupPage />;

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
            <Text fw={800} fz="xl" c="indigo">
              Foyer
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" fw={500} truncate="end" visibleFrom="xs">
              {user.name}
            </Text>
            <ColorSchemeToggle />
            <Button variant="default" size="xs" leftSection={<IconLogout size={16} />} onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm">
        <Navigation user={user} onNavigate={nav.close} />
      </AppShell.Navbar>

      <AppShell.Main bg="var(--foyer-color-page)">
        <MailDeliveryBanner />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}

function Navigation({ user, onNavigate }: { user: Me; onNavigate: () => void }) {
  return (
    <nav aria-label="Main">
      <NavItem to="/" label="Home" icon={<IconHome size={18} />} onNavigate={onNavigate} />
      <NavItem to="/account" label="My account" icon={<IconUser size={18} />} onNavigate={onNavigate} />
      {user.permissions.length > 0 && (
        <NavItem to="/admin" label="Administration" icon={<IconLayoutDashboard size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('users.read') && (
        <NavItem to="/admin/users" label="Users" icon={<IconUsers size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('invitations.manage') && (
        <NavItem to="/admin/signup-links" label="Sign-up links" icon={<IconLink size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('users.create') && (
        <NavItem to="/admin/verified-invitations" label="Verified invitations" icon={<IconUserShield size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('access_requests.read') && (
        <NavItem to="/admin/access-requests" label="Access requests" icon={<IconUserQuestion size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('apps.read') && user.profile !== 'external' && (
        <NavItem to="/admin/apps" label="Apps" icon={<IconApps size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('roles.manage') && (
        <NavItem to="/admin/roles" label="Roles" icon={<IconShieldLock size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('groups.manage') && (
        <NavItem to="/admin/groups" label="Groups" icon={<IconUsersGroup size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('mail.read') && user.profile !== 'external' && (
        <NavItem to="/admin/mail" label="Mail" icon={<IconMail size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('audit.read') && user.profile !== 'external' && (
        <NavItem to="/admin/audit" label="Audit log" icon={<IconListDetails size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('api_tokens.manage') && user.profile !== 'external' && (
        <NavItem to="/admin/api-tokens" label="API tokens" icon={<IconApi size={18} />} onNavigate={onNavigate} />
      )}
      {user.permissions.includes('settings.manage') && (
        <>
          <NavItem to="/admin/settings/email" label="Settings" icon={<IconSettings size={18} />} onNavigate={onNavigate} />
          <NavItem to="/admin/settings/authentication" label="Authentication" icon={<IconShieldCheck size={18} />} onNavigate={onNavigate} />
          <NavItem to="/admin/settings/sso" label="SSO providers" icon={<IconKey size={18} />} onNavigate={onNavigate} />
        </>
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

/**
 * Links such as the home's "Add a passkey" name a section of another page (`/account#security-heading`); the router
 * does not scroll to it, and the section appears only once the page's data has loaded, so look for it a little while.
 */
function useScrollToHash() {
  const { pathname, hash } = useLocation();
  useEffect(() => {
    if (!hash) return;
    let tries = 0;
    const timer = window.setInterval(() => {
      const target = document.getElementById(decodeURIComponent(hash.slice(1)));
      tries += 1;
      if (target) target.scrollIntoView({ block: 'start' });
      if (target || tries >= 20) window.clearInterval(timer);
    }, 100);
    return () => window.clearInterval(timer);
  }, [pathname, hash]);
}
