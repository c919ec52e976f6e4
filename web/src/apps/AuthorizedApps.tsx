import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client, toApiError, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { formatDateTime } from '../format';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorAlert } from '../ui/ErrorAlert';
import { MY_APPS } from './MyApps';

type MyApp = Schemas['MyApp'];

/** On the person's account: the apps they allowed to see their details, each with "Withdraw". */
export function AuthorizedApps() {
  const query = useQuery({ queryKey: MY_APPS, queryFn: () => call(client.GET('/api/v1/me/apps')) });
  const authorized = (query.data?.items ?? []).filter((app) => app.consentedAt);
  const [withdrawing, setWithdrawing] = useState<MyApp | null>(null);

  async function withdraw(app: MyApp) {
    await call(client.DELETE('/api/v1/me/apps/{id}/authorization', { params: { path: { id: app.id } } }));
    setWithdrawing(null);
    await queryClient.invalidateQueries({ queryKey: MY_APPS });
    notifications.show({ color: 'green', message: `${app.name} can no longer see your details.` });
  }

  return (
    <Paper withBorder radius="md" p="lg" maw={720} mt="xl" component="section" aria-labelledby="authorized-apps-title">
      <Stack>
        <Title order={2} fz="h4" id="authorized-apps-title">
          Apps you have allowed
        </Title>
        {query.error && <ErrorAlert title="Could not load your apps">{toApiError(query.error).message}</ErrorAlert>}
        {query.data && authorized.length === 0 && (
          <Text size="sm" c="dimmed">
            You have not allowed any app to see your details.
          </Text>
        )}
        {authorized.map((app) => (
          <Group key={app.id} justify="space-between" wrap="nowrap">
            <Stack gap={0}>
              <Text fw={500}>{app.name}</Text>
              <Text size="xs" c="dimmed">
                Allowed {formatDateTime(app.consentedAt)}
              </Text>
            </Stack>
            <Button size="xs" variant="light" color="red" aria-label={`Withdraw ${app.name}`} onClick={() => setWithdrawing(app)}>
              Withdraw
            </Button>
          </Group>
        ))}
      </Stack>
      {withdrawing && (
        <ConfirmDialog
          title={`Withdraw ${withdrawing.name}?`}
          confirmLabel="Withdraw"
          color="red"
          onConfirm={() => withdraw(withdrawing)}
          onClose={() => setWithdrawing(null)}
        >
          {withdrawing.name} is signed out and can no longer see your details. It asks for your permission again the next time you open it.
        </ConfirmDialog>
      )}
    </Paper>
  );
}
