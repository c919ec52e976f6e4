import { Alert, Badge, Button, Center, Group as Row, Loader, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { call, client, toApiError, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { useSession } from '../session';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { CopyField } from '../ui/CopyField';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PageHeader } from '../ui/PageHeader';
import { SectionCard } from '../ui/SectionCard';
import { AppSettingsForm } from './AppSettingsForm';
import { APPS } from './AppsPage';
import { TryItPanel } from './TryItPanel';

type App = Schemas['App'];

const BACK = { to: '/admin/apps', label: 'All apps' };

/** What to paste into the app, and a new secret for confidential apps (shown once: Foyer keeps only its digest). */
function Connection({ app, canManage, newSecret }: { app: App; canManage: boolean; newSecret?: string }) {
  const [confirming, setConfirming] = useState(false);
  const rotate = useMutation({
    mutationFn: () => call(client.POST('/api/v1/admin/apps/{id}/secret', { params: { path: { id: app.id } } })),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: [...APPS, app.id] }),
  });
  const secret = rotate.data?.clientSecret ?? newSecret;

  return (
    <SectionCard title="Connect the app">
      <Stack>
        <CopyField label="Discovery URL" value={app.discoveryUrl} />
        <CopyField label="Issuer" value={app.issuer} />
        <CopyField label="Client ID" value={app.clientId} />
        {app.type === 'public' ? (
          <Text size="sm" c="dimmed">
            A public app has no client secret: it proves itself with PKCE (S256).
          </Text>
        ) : secret ? (
          <>
            <CopyField label="Client secret" value={secret} />
            <Alert color="yellow" title="Copy the secret now">
              It is shown only this once. Foyer keeps only its digest. Any earlier secret has stopped working: paste this one into the app.
            </Alert>
          </>
        ) : (
          canManage && (
            <Row>
              <Button variant="default" onClick={() => setConfirming(true)}>
                Rotate secret
              </Button>
            </Row>
          )
        )}
      </Stack>
      {confirming && (
        <ConfirmDialog
          title={`Make a new secret for ${app.name}?`}
          confirmLabel="Rotate secret"
          color="red"
          onConfirm={async () => {
            await rotate.mutateAsync();
            setConfirming(false);
          }}
          onClose={() => setConfirming(false)}
        >
          The current secret stops working at once: {app.name} cannot sign anyone in until it has the new one.
        </ConfirmDialog>
      )}
    </SectionCard>
  );
}

/** /admin/apps/:id: an app's settings, what to paste into it, "Try it", and deleting it. */
export function AppPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const { user } = useSession();
  const canManage = user?.permissions.includes('apps.manage') ?? false;
  const query = useQuery({ queryKey: [...APPS, id], queryFn: () => call(client.GET('/api/v1/admin/apps/{id}', { params: { path: { id } } })) });
  const [deleting, setDeleting] = useState(false);
  const location = useLocation();
  // Just registered: AppDialog hands over the secret once; it is kept here and removed from the history entry.
  const [newSecret] = useState(() => (location.state as { clientSecret?: string } | null)?.clientSecret);
  useEffect(() => {
    if (location.state) navigate(location.pathname, { replace: true, state: null });
  }, [location, navigate]);
  const app = query.data;

  if (query.error && !app) {
    const error = toApiError(query.error);
    return (
      <>
        <PageHeader title="App" back={BACK} />
        <ErrorAlert title={error.status === 404 ? 'This app does not exist' : 'Could not load the app'}>{error.message}</ErrorAlert>
      </>
    );
  }
  if (!app) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading app" />
      </Center>
    );
  }

  async function deleteApp(target: App) {
    await call(client.DELETE('/api/v1/admin/apps/{id}', { params: { path: { id: target.id } } }));
    notifications.show({ color: 'green', message: `${target.name} deleted.` });
    queryClient.removeQueries({ queryKey: [...APPS, target.id] });
    void queryClient.invalidateQueries({ queryKey: APPS });
    navigate('/admin/apps', { replace: true });
  }

  return (
    <>
      <PageHeader
        back={BACK}
        title={app.name}
        description="An app that signs people in with their Foyer account."
        actions={
          <>
            <Badge variant="light" size="lg" tt="none">
              {app.type === 'public' ? 'Public (PKCE)' : 'Confidential'}
            </Badge>
            {canManage && (
              <Button variant="light" color="red" onClick={() => setDeleting(true)}>
                Delete app
              </Button>
            )}
          </>
        }
      />
      <Stack gap="lg">
        <Connection app={app} canManage={canManage} newSecret={newSecret} />
        <TryItPanel appId={app.id} appName={app.name} />
        <SectionCard title="Settings">
          <AppSettingsForm key={app.updatedAt} app={app} canManage={canManage} />
        </SectionCard>
      </Stack>
      {deleting && (
        <ConfirmDialog
          title={`Delete ${app.name}?`}
          confirmLabel={`Delete ${app.name}`}
          color="red"
          irreversible
          onConfirm={() => deleteApp(app)}
          onClose={() => setDeleting(false)}
        >
          Everyone signed in to {app.name} through Foyer is signed out of it, and its client ID and secret stop working.
        </ConfirmDialog>
      )}
    </>
  );
}
