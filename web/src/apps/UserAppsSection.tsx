import { Anchor, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client, toApiError, type Schemas } from '../api';
import { formatDateTime } from '../format';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Section } from '../ui/Section';
import { APPS } from './AppsPage';

/** Why a person may open an app, in words: open to everyone, or through which of their groups. */
export const becauseOf = (reason: Schemas['AppAccessReason']) =>
  reason.everyone ? 'Open to everyone' : `Member of ${reason.groups.map((g) => g.name).join(', ')}`;

/** On a person's admin page: the apps they can open, why, and when they last signed in to each. */
export function UserAppsSection({ userId }: { userId: string }) {
  const query = useQuery({
    queryKey: [...APPS, 'of-user', userId],
    queryFn: () => call(client.GET('/api/v1/admin/users/{id}/apps', { params: { path: { id: userId } } })),
  });
  const items = query.data?.items ?? [];
  return (
    <Section title="Apps">
      {query.error ? (
        <ErrorAlert title="Could not load the apps">{toApiError(query.error).message}</ErrorAlert>
      ) : items.length === 0 ? (
        <Text size="sm" c="dimmed">
          {query.isPending ? 'Loading…' : 'This person cannot open any app.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>App</Table.Th>
                <Table.Th>Why</Table.Th>
                <Table.Th>Last signed in</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((app) => (
                <Table.Tr key={app.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/admin/apps/${app.id}`} size="sm">
                      {app.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{becauseOf(app.reason)}</Table.Td>
                  <Table.Td>{app.lastSignInAt ? formatDateTime(app.lastSignInAt) : 'Never'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
