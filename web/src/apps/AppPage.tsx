import { Anchor, Avatar, Badge, Button, Center, Group as Row, Loader, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, client, toApiError, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { useSession } from '../session';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { Section } from '../ui/Section';
import { AppForm, formValuesOf, type AppBody } from './AppForm';
import { AppSettings, NobodyYetAlert, opensForNobody } from './AppSettings';
import { APPS, whoMayOpen } from './AppsPage';
import { TryIt } from './TryIt';

type App = Schemas['App'];

/** /admin/apps/:id: one app — what to paste into it, its settings, who it lets in (and "Try it"), its secret. */
export function AppPage() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const navigate = useNavigate();
  const canManage = user?.permissions.includes('apps.manage') ?? false;
  const key = [...APPS, id];
  const query = useQuery({ queryKey: key, queryFn: () => call(client.GET('/api/v1/admin/apps/{id}', { params: { path: { id } } })) });
  const [confirming, setConfirming] = useState<'rotate' | 'delete' | null>(null);
  const [newSecret, setNewSecret] = useState<string | null>(null);

  if (query.error) {
    return (
      <>
        <PageHeader title="App" />
        <ErrorAlert title="Could not load the app">{toApiError(query.error).message}</ErrorAlert>
      </>
    );
  }
  const app = query.data;
  if (!app) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading the app" />
      </Center>
    );
  }

  // An app's type is fixed at registration, so an edit sends everything but it.
  async function save({ type: _fixed, ...changes }: AppBody) {
    const saved = await call(client.PATCH('/api/v1/admin/apps/{id}', { params: { path: { id } }, body: changes }));
    queryClient.setQueryData(key, saved);
    void queryClient.invalidateQueries({ queryKey: APPS });
    notifications.show({ color: 'green', message: `${saved.name} saved.` });
  }

  async function rotate() {
    const { clientSecret } = await call(client.POST('/api/v1/admin/apps/{id}/secret', { params: { path: { id } } }));
    setConfirming(null);
    setNewSecret(clientSecret);
  }

  async function remove() {
    await call(client.DELETE('/api/v1/admin/apps/{id}', { params: { path: { id } } }));
    queryClient.removeQueries({ queryKey: key });
    void queryClient.invalidateQueries({ queryKey: APPS });
    notifications.show({ color: 'green', message: `${app!.name} deleted.` });
    navigate('/admin/apps');
  }

  return (
    <>
      <Anchor component={Link} to="/admin/apps" size="sm">
        <Row gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Apps
        </Row>
      </Anchor>
      <Row gap="sm" mt="sm" wrap="nowrap" align="flex-start">
        {app.logoUrl && <Avatar src={app.logoUrl} alt="" radius="sm" />}
        <PageHeader title={app.name} description={`Who may open it: ${whoMayOpen(app)}.`} />
      </Row>
      <Stack>
        {opensForNobody(app) && <NobodyYetAlert />}
        <Section title="Settings for the app">
          <Stack>
            <Badge variant="light" w="fit-content">
              {app.type === 'public' ? 'Public (PKCE)' : 'Confidential'}
            </Badge>
            <AppSettings app={app} />
            {canManage && app.type === 'confidential' && (
              <Row>
                <Button variant="light" onClick={() => setConfirming('rotate')}>
                  Make a new client secret
                </Button>
              </Row>
            )}
          </Stack>
        </Section>
        <Section title="Try it">
          <TryIt appId={app.id} />
        </Section>
        {canManage && (
          <Section title="Edit">
            <AppForm key={app.updatedAt} initial={formValuesOf(app)} choosesType={false} submitLabel="Save" failureTitle="The app was not saved" onSubmit={save} />
          </Section>
        )}
        {canManage && (
          <Section title="Delete">
            <Stack>
              <Text size="sm">Everyone signed in to {app.name} through Foyer is signed out of it, and its settings stop working.</Text>
              <Row>
                <Button color="red" variant="light" onClick={() => setConfirming('delete')}>
                  Delete app
                </Button>
              </Row>
            </Stack>
          </Section>
        )}
      </Stack>
      {confirming === 'rotate' && (
        <ConfirmDialog title={`New client secret for ${app.name}?`} confirmLabel="Make a new secret" onConfirm={rotate} onClose={() => setConfirming(null)}>
          The current secret stops working at once: {app.name} cannot sign anyone in until it is given the new one.
        </ConfirmDialog>
      )}
      {confirming === 'delete' && (
        <ConfirmDialog title={`Delete ${app.name}?`} confirmLabel="Delete app" color="red" irreversible onConfirm={remove} onClose={() => setConfirming(null)}>
          Every token {app.name} holds stops working and people can no longer sign in to it with Foyer.
        </ConfirmDialog>
      )}
      {newSecret && <NewSecret app={app} secret={newSecret} onClose={() => setNewSecret(null)} />}
    </>
  );
}

function NewSecret({ app, secret, onClose }: { app: App; secret: string; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title={`New secret for ${app.name}`} size="lg">
      <Stack>
        <AppSettings app={app} clientSecret={secret} />
        <Row justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Row>
      </Stack>
    </Modal>
  );
}
