import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client } from '../api';
import { formatDateTime } from '../format';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';

type Reason = { everyone: boolean; groups: { id: string; name: string }[] };

/** Why the app lets this person in: it is open to everyone, or names the groups of theirs that it allows. */
export function whyAllowed(reason: Reason): string {
  if (reason.everyone) return 'Open to everyone';
  return `Member of ${reason.groups.map((g) => g.name).join(', ')}`;
}

/** A user's page → Apps: the apps this person can open now, why, and when they last signed in to each. */
export function UserAppsSection({ userId, userName }: { userId: string; userName: string }) {
  const { user: me } = useSession();
  const canSeeApps = me?.permissions.includes('apps.read') ?? false;
  const query = useQuery({
    queryKey: ['users', userId, 'apps'],
    queryFn: () => call(client.GET('/api/v1/admin/users/{id}/apps', { params: { path: { id: userId } } })),
  });
  const items = query.data?.items;

  return (
    <SectionCard title="Apps">
      {query.error && <ErrorAlert title="Could not load the apps">{query.error.message}</ErrorAlert>}
      {items?.length === 0 && (
        <Text size="sm" c="dimmed">
          {userName} cannot open any app: no app is open to everyone or to one of their groups.
        </Text>
      )}
      {items && items.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm" aria-label="Apps this person can open">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>App</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Last sign-in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((app) => (
                <Table.Tr key={app.id}>
                  <Table.Td fw={500}>
                    {canSeeApps ? (
                      <Anchor component={Link} to={`/admin/apps/${app.id}`}>
                        {app.name}
                      </Anchor>
                    ) : (
                      app.name
                    )}
                  </Table.Td>
                  <Table.Td>{whyAllowed(app.reason)}</Table.Td>
                  <Table.Td>{formatDateTime(app.lastSignInAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </SectionCard>
  );
}
