import { Anchor, Avatar, Card, Group, SimpleGrid, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { call, client } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';

export const MY_APPS = ['me', 'apps'];

/** The apps the person can open, as tiles on their home; newest used first, as the server orders them. */
export function MyApps() {
  const query = useQuery({ queryKey: MY_APPS, queryFn: () => call(client.GET('/api/v1/me/apps')) });
  const tiles = (query.data?.items ?? []).filter((app) => app.launchUrl);
  return (
    <section aria-labelledby="my-apps-title">
      <Title order={2} size="h3" id="my-apps-title" mb="sm">
        Your apps
      </Title>
      {query.error && <ErrorAlert title="Could not load your apps">{query.error.message}</ErrorAlert>}
      {query.data && tiles.length === 0 && (
        <Text c="dimmed" size="sm">
          No apps to open yet. When an administrator gives you access to one, it appears here.
        </Text>
      )}
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
        {tiles.map((app) => (
          <Card key={app.id} withBorder radius="md" padding="md">
            <Group wrap="nowrap">
              <Avatar src={app.logoUrl} alt="" radius="sm">
                {app.name.slice(0, 1)}
              </Avatar>
              {/* Through Foyer, which checks access first: a refused person reads why there, not at the app. */}
              <Anchor href={`/apps/${app.id}/open`} fw={500}>
                {app.name}
              </Anchor>
            </Group>
          </Card>
        ))}
      </SimpleGrid>
    </section>
  );
}
