import { Button, Group as Row, Modal, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, client, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { AppForm, NEW_APP } from './AppForm';
import { AppSettings, NobodyYetAlert, opensForNobody } from './AppSettings';
import { APPS } from './AppsPage';

type Created = { app: Schemas['App']; clientSecret?: string };

/** Registers an app, then shows what to paste into it (the secret only here, once) and leads on to the app's page. */
export function AppDialog({ onClose }: { onClose: () => void }) {
  const navigate = useNavigate();
  const [created, setCreated] = useState<Created | null>(null);

  if (created) {
    const { app, clientSecret } = created;
    return (
      <Modal opened onClose={onClose} title={`${app.name} is registered`} size="lg">
        <Stack>
          <Text size="sm">Configure the app with these settings (docs/apps.md has examples for popular apps).</Text>
          <AppSettings app={app} clientSecret={clientSecret} />
          {opensForNobody(app) && <NobodyYetAlert />}
          <Row justify="flex-end">
            <Button onClick={() => navigate(`/admin/apps/${app.id}`)}>Go to the app</Button>
          </Row>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened onClose={onClose} title="New app" size="lg">
      <AppForm
        initial={NEW_APP}
        choosesType
        submitLabel="Register app"
        failureTitle="The app was not registered"
        onCancel={onClose}
        onSubmit={async (body) => {
          setCreated(await call(client.POST('/api/v1/admin/apps', { body })));
          void queryClient.invalidateQueries({ queryKey: APPS });
        }}
      />
    </Modal>
  );
}
