import { DataList, Paper } from '@mantine/core';
import type { ReactNode } from 'react';
import { useSession } from '../session';
import { formatDate } from '../format';
import { LastLogin } from '../ui/LastLogin';
import { PageHeader } from '../ui/PageHeader';
import { RoleBadges } from '../ui/RoleBadges';
import { StatusBadge } from '../ui/StatusBadge';
import { AuthorizedAppsCard } from './AuthorizedAppsCard';
import { NotificationPreferences } from './NotificationPreferences';
import { SecuritySection } from './security/SecuritySection';
import { VerifyEmailCard } from '../email-verification/VerifyEmailCard';

export function AccountPage() {
  const { user } = useSession();
  if (!user) return null;

  const rows: [string, ReactNode][] = [
    ['Name', user.name],
    ['Email', user.email],
    ['Username', user.username],
    ['Roles', <RoleBadges roles={user.roles} />],
    ['Status', <StatusBadge status={user.status} />],
    ['Member since', formatDate(user.createdAt)],
    ['Last login', <LastLogin at={user.lastLoginAt} />],
  ];

  return (
    <>
      <PageHeader title="My account" description="The details Foyer holds about you." />
      <VerifyEmailCard />
      <Paper withBorder radius="md" p="lg" maw={720}>
        <DataList withDivider labelWidth={160} aria-label="Account details">
          {rows.map(([label, value]) => (
            <DataList.Item key={label}>
              <DataList.ItemLabel>{label}</DataList.ItemLabel>
              <DataList.ItemValue>{value}</DataList.ItemValue>
            </DataList.Item>
          ))}
        </DataList>
      </Paper>
      <AuthorizedAppsCard />
      <SecuritySection />
      <NotificationPreferences />
    </>
  );
}
