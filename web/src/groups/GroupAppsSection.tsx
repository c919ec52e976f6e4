import { Anchor, Group as Row, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router-dom';
import { call, client, everyPage } from '../api';
import { useSession } from '../session';
import { ErrorAlert } from '../ui/ErrorAlert';
import { SectionCard } from '../ui/SectionCard';

/** The apps list is small (one row per application of the organisation), so the section reads all of it. */
const fetchAllApps = () => everyPage((cursor) => call(client.GET('/api/v1/admin/apps', { params: { query: { limit: 100, cursor } } })));

/** A group's page → Apps: the apps that open for its members because they name this group. */
export function GroupAppsSection({ groupId }: { groupId: string }) {
  const { user } = useSession();
  const canSeeApps = user?.permissions.includes('apps.read') ?? false;
  const query = useQuery({ queryKey: ['apps', 'all'], queryFn: fetchAllApps, enabled: canSeeApps });
  if (!canSeeApps) return null;
  const opened = query.data?.filter((app) => app.access.groupIds.includes(groupId));

  return (
    <SectionCard title="Apps this group opens">
      {query.error && <ErrorAlert title="Could not load the apps">{query.error.message}</ErrorAlert>}
      {opened?.length === 0 && (
        <Text size="sm" c="dimmed">
          No app names this group. Apps open to everyone still open for its members.
        </Text>
      )}
      {opened && opened.length > 0 && (
        <Row gap="md">
          {opened.map((app) => (
            <Anchor key={app.id} component={Link} to={`/admin/apps/${app.id}`} fw={500}>
              {app.name}
            </Anchor>
          ))}
        </Row>
      )}
    </SectionCard>
  );
}
