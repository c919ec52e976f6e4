import { Badge, Button, Center, DataList, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconLogout, IconPencil } from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { EMPTY, formatDate, formatDateTime } from '../format';
import { useSession } from '../session';
import { UserSsoSection } from '../sso/UserSsoSection';
import { UserAppsSection } from './UserAppsSection';
import { UserTwoFactorSection } from '../two-factor/UserTwoFactorSection';
import { ErrorAlert } from '../ui/ErrorAlert';
import { LastLogin } from '../ui/LastLogin';
import { PageHeader } from '../ui/PageHeader';
import { RoleBadges } from '../ui/RoleBadges';
import { SectionCard } from '../ui/SectionCard';
import { StatusBadge } from '../ui/StatusBadge';
import { SignInBadges } from '../users/SignInBadges';
import { UserRoles } from './UserRoles';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { PROFILE_LABELS } from '../users/labels';
import { UserActionsMenu } from '../users/UserActionsMenu';
import { UserFormDialog } from '../users/UserFormDialog';
import { USERS } from '../users/usersApi';
import { AuditSentence } from '../audit/AuditSentence';
import { fromUserAuditEvent } from '../audit/sentence';
import { SignInLockAlert } from './SignInLockAlert';
import { UserLoginLinksSection } from '../login-links/UserLoginLinksSection';
import type { AuditPage, UserDetail, UserSession } from './types';

export function UserDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user: me } = useSession();
  const canUpdate = me?.permissions.includes('users.update') ?? false;
  const { data: detail, error } = useServerData([...USERS, id], () =>
    call(client.GET('/api/v1/admin/users/{id}', { params: { path: { id } } })),
  );
  const [editing, setEditing] = useState(false);

  if (error && !detail) {
    return (
      <>
        <PageHeader title="User" back={BACK} />
        <ErrorAlert title={error.status === 404 ? 'This user does not exist' : 'Could not load this user'}>{error.message}</ErrorAlert>
      </>
    );
  }
  if (!detail) {
    return (
      <Center py="xl">
        <Loader />
      </Center>
    );
  }

  const { user } = detail;
  // The detail shows more than the changed user (sessions, the trail), so it is read again, with its sections and
  // the directory's lists.
  const changed = () => void invalidate(USERS);

  return (
    <>
      <PageHeader
        back={BACK}
        title={user.name}
        description={user.email}
        actions={
          <>
            {canUpdate && user.status !== 'revoked' && (
              <Button variant="default" leftSection={<IconPencil size={16} />} onClick={() => setEditing(true)}>
                Edit
              </Button>
            )}
            <UserActionsMenu
              user={user}
              showDetailsLink={false}
              onEdit={() => setEditing(true)}
              onChanged={changed}
              onDeleted={() => navigate('/admin/users', { replace: true })}
            />
          </>
        }
      />
      <Stack gap="lg">
        <SignInLockAlert userId={user.id} canUnlock={canUpdate} />
        <Profile user={user} />
        <UserTwoFactorSection userId={user.id} userName={user.name} methods={detail.mfaMethods} canIssue={canUpdate} onIssued={changed} />
        <UserAppsSection key={`apps-${user.updatedAt}`} userId={user.id} userName={user.name} />
        <UserSsoSection key={user.updatedAt} userId={user.id} userName={user.name} canRemove={canUpdate} />
        <UserLoginLinksSection key={user.updatedAt} user={user} canUpdate={canUpdate} canInvite={me?.permissions.includes('invitations.manage') ?? false} />
        <Sessions userId={user.id} userName={user.name} sessions={detail.sessions} canEnd={canUpdate} onChanged={changed} />
        {detail.auditTrail && <AuditTrail key={user.updatedAt} userId={user.id} first={detail.auditTrail} />}
      </Stack>
      {editing && (
        <UserFormDialog
          user={user}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            changed();
          }}
        />
      )}
    </>
  );
}

const BACK = { to: '/admin/users', label: 'Users' };

function Profile({ user }: { user: UserDetail['user'] }) {
  const rows: [string, ReactNode][] = [
    ['Name', user.name],
    [
      'Email',
      <Group gap="xs">
        <span>{user.email}</span>
        <Badge variant="light" color={user.emailVerified ? 'green' : 'yellow'} tt="none">
          {user.emailVerified ? 'Verified' : 'Not verified'}
        </Badge>
      </Group>,
    ],
    ['Username', user.username],
    ['Profile', PROFILE_LABELS[user.profile]],
    ['Status', <StatusBadge status={user.status} />],
    ['Sign-in', <SignInBadges user={user} withEmail={false} />],
    ['Passkeys', user.passkeyCount === 0 ? 'None' : `${user.passkeyCount} registered`],
    ['Roles', <UserRoles direct={user.roles} fromGroups={user.rolesFromGroups} />],
    ['Groups', <RoleBadges roles={user.groups} />],
    [
      'Permissions',
      user.permissions.length ? (
        <Text size="sm">{user.permissions.join(', ')}</Text>
      ) : (
        <Text c="dimmed" size="sm">
          No administrative permissions
        </Text>
      ),
    ],
    ['Member since', formatDate(user.createdAt)],
    ['Last login', <LastLogin at={user.lastLoginAt} />],
  ];
  return (
    <SectionCard title="Profile">
      <DataList withDivider labelWidth={160} aria-label="User details">
        {rows.map(([label, value]) => (
          <DataList.Item key={label}>
            <DataList.ItemLabel>{label}</DataList.ItemLabel>
            <DataList.ItemValue>{value}</DataList.ItemValue>
          </DataList.Item>
        ))}
      </DataList>
    </SectionCard>
  );
}

type SessionsProps = { userId: string; userName: string; sessions: UserSession[]; canEnd: boolean; onChanged: () => void };

function Sessions({ userId, userName, sessions, canEnd, onChanged }: SessionsProps) {
  const [ending, setEnding] = useState<UserSession | 'all' | null>(null);

  async function end() {
    if (ending === 'all') {
      const { ended } = await call(client.DELETE('/api/v1/admin/users/{id}/sessions', { params: { path: { id: userId } } }));
      notifications.show({ color: 'green', message: `${ended} ${ended === 1 ? 'session' : 'sessions'} ended.` });
    } else if (ending) {
      await call(client.DELETE('/api/v1/admin/users/{id}/sessions/{sessionId}', { params: { path: { id: userId, sessionId: ending.id } } }));
      notifications.show({ color: 'green', message: 'The session was ended.' });
    }
    setEnding(null);
    onChanged();
  }

  return (
    <SectionCard
      title="Sessions"
      actions={
        canEnd &&
        sessions.length > 0 && (
          <Button variant="default" size="xs" color="red" leftSection={<IconLogout size={14} />} onClick={() => setEnding('all')}>
            End all sessions
          </Button>
        )
      }
    >
      {sessions.length === 0 ? (
        <Text c="dimmed" size="sm">
          {userName} is not signed in anywhere.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="xs" data-testid="sessions-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Signed in</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>IP address</Table.Th>
                <Table.Th>Browser</Table.Th>
                {canEnd && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sessions.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    {formatDateTime(s.createdAt)}
                    {s.current && (
                      <Badge ml="xs" variant="light" tt="none">
                        This session
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{formatDateTime(s.lastSeenAt)}</Table.Td>
                  <Table.Td>{formatDateTime(s.expiresAt)}</Table.Td>
                  <Table.Td>{s.ip ?? EMPTY}</Table.Td>
                  <Table.Td maw={280}>
                    <Text size="sm" truncate="end" title={s.userAgent ?? undefined}>
                      {s.label}
                    </Text>
                  </Table.Td>
                  {canEnd && (
                    <Table.Td>
                      <Button size="compact-xs" variant="subtle" color="red" onClick={() => setEnding(s)} aria-label={`End session started ${formatDateTime(s.createdAt)}`}>
                        End
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {ending && (
        <ConfirmDialog
          title={ending === 'all' ? `End all of ${userName}’s sessions?` : 'End this session?'}
          confirmLabel={ending === 'all' ? 'End all sessions' : 'End session'}
          color="red"
          onConfirm={end}
          onClose={() => setEnding(null)}
        >
          {ending === 'all'
            ? `${userName} is signed out everywhere and has to sign in again.`
            : `${userName} is signed out on that device and has to sign in again there.`}
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}

function AuditTrail({ userId, first }: { userId: string; first: AuditPage }) {
  const [items, setItems] = useState(first.items);
  const [cursor, setCursor] = useState(first.nextCursor);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function more() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await call(client.GET('/api/v1/admin/users/{id}/audit-events', { params: { path: { id: userId }, query: { limit: 20, cursor } } }));
      setItems((current) => [...current, ...page.items]);
      setCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setLoading(false);
    }
  }

  return (
    <SectionCard title="Audit trail">
      {items.length === 0 ? (
        <Text c="dimmed" size="sm">
          Nothing recorded yet.
        </Text>
      ) : (
        <Stack gap="sm" data-testid="audit-trail">
          {items.map((e) => (
            <AuditSentence key={e.id} entry={fromUserAuditEvent(e)} occurredAt={e.occurredAt} />
          ))}
        </Stack>
      )}
      {error && <ErrorAlert title="Could not load more events">{error.message}</ErrorAlert>}
      {cursor && (
        <Group justify="center" mt="md">
          <Button variant="default" onClick={() => void more()} loading={loading}>
            Load more
          </Button>
        </Group>
      )}
    </SectionCard>
  );
}
