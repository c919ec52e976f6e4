import { Anchor, Badge, Button, Stack, Text } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, client, type Schemas } from '../api';
import { EMPTY } from '../format';
import { useSession } from '../session';
import { PageHeader } from '../ui/PageHeader';
import { PagedTable, type Column } from '../ui/PagedTable';
import { usePagedList } from '../ui/usePagedList';
import { AppDialog } from './AppDialog';

type App = Schemas['App'];

export const APPS = ['apps'];

const listApps = (cursor?: string) => call(client.GET('/api/v1/admin/apps', { params: { query: { limit: 100, cursor } } }));

/** Who may open the app, in words: a new app opens for nobody until the administrator says who. */
export function whoMayOpen(app: App): string {
  if (app.access.everyone) return 'Everyone';
  if (app.access.groups.length === 0) return 'Nobody yet';
  return app.access.groups.map((g) => g.name).join(', ');
}

const COLUMNS: Column<App>[] = [
  {
    header: 'Name',
    cell: (app) => (
      <Stack gap={0}>
        <Anchor component={Link} to={`/admin/apps/${app.id}`} fw={500}>
          {app.name}
        </Anchor>
        <Text size="xs" c="dimmed" ff="monospace">
          {app.clientId}
        </Text>
      </Stack>
    ),
  },
  { header: 'Type', cell: (app) => <Badge variant="light">{app.type === 'public' ? 'Public (PKCE)' : 'Confidential'}</Badge> },
  {
    header: 'Who may open it',
    cell: (app) => {
      const who = whoMayOpen(app);
      return (
        <Text size="sm" c={who === 'Nobody yet' ? 'red' : undefined}>
          {who}
        </Text>
      );
    },
  },
  {
    header: 'Launch',
    cell: (app) =>
      app.launchUrl ? (
        <Anchor href={app.launchUrl} target="_blank" rel="noreferrer" size="sm">
          Open
        </Anchor>
      ) : (
        <Text size="sm" c="dimmed">
          {EMPTY}
        </Text>
      ),
  },
];

/** /admin/apps: the organisation's apps that sign people in with Foyer. */
export function AppsPage() {
  const { user } = useSession();
  const canManage = user?.permissions.includes('apps.manage') ?? false;
  const list = usePagedList(APPS, listApps);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();

  return (
    <>
      <PageHeader
        title="Apps"
        description="Applications that sign people in with their Foyer account (OpenID Connect). An app opens only for the people it allows."
        actions={
          canManage && (
            <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
              New app
            </Button>
          )
        }
      />
      <Stack>
        <PagedTable
          list={list}
          columns={COLUMNS}
          rowKey={(app) => app.id}
          label="Apps"
          errorTitle="Could not load apps"
          empty="No apps yet. Add the first one to let people sign in to it with Foyer."
          minWidth={640}
          striped
          testId="apps-table"
        />
      </Stack>
      {creating && (
        <AppDialog
          onClose={() => setCreating(false)}
          // The secret rides along once, in memory: the app's page shows it and drops it from the history entry.
          onCreated={({ app, clientSecret }) => navigate(`/admin/apps/${app.id}`, { state: { clientSecret } })}
        />
      )}
    </>
  );
}
