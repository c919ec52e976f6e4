import { Anchor, List, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client, everyPage, toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Section } from '../ui/Section';
import { APPS } from './AppsPage';

const allApps = () => everyPage((cursor) => call(client.GET('/api/v1/admin/apps', { params: { query: { limit: 100, cursor } } })));

/** On a group's page: the apps its members may open because of it (apps open to everyone are not this group's doing). */
export function GroupAppsSection({ groupId }: { groupId: string }) {
  const query = useQuery({ queryKey: [...APPS, 'all'], queryFn: allApps });
  const apps = (query.data ?? []).filter((app) => !app.access.everyone && app.access.groupIds.includes(groupId));
  return (
    <Section title="Apps this group opens">
      {query.error ? (
        <ErrorAlert title="Could not load the apps">{toApiError(query.error).message}</ErrorAlert>
      ) : apps.length === 0 ? (
        <Text size="sm" c="dimmed">
          {query.isPending ? 'Loading…' : 'No app names this group. An app’s page chooses the groups that may open it.'}
        </Text>
      ) : (
        <List size="sm">
          {apps.map((app) => (
            <List.Item key={app.id}>
              <Anchor component={Link} to={`/admin/apps/${app.id}`} size="sm">
                {app.name}
              </Anchor>
            </List.Item>
          ))}
        </List>
      )}
    </Section>
  );
}
