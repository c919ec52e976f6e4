import { Avatar, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client, type Schemas } from '../api';
import { queryClient } from '../api/queries';
import { MY_APPS } from '../apps/MyApps';
import { formatDateTime } from '../format';
import { ConfirmDialog } from '../ui/ConfirmDialog';
import { ErrorAlert } from '../ui/ErrorAlert';

type Authorization = Schemas['AppAuthorization'];

const AUTHORIZATIONS = ['me', 'authorizations'];

/** My account → the apps the person allowed to learn about them, each of which they can withdraw. */
export function AuthorizedAppsCard() {
  const query = useQuery({ queryKey: AUTHORIZATIONS, queryFn: () => call(client.GET('/api/v1/me/authorizations')) });
  const [withdrawing, setWithdrawing] = useState<Authorization | null>(null);
  const withdraw = useMutation({
    mutationFn: (app: Authorization) => call(client.DELETE('/api/v1/me/apps/{id}/authorization', { params: { path: { id: app.id } } })),
    onSuccess: (_done, app) => {
      notifications.show({ color: 'green', message: `${app.name} can no longer use your sign-in. It will ask again next time.` });
      void queryClient.invalidateQueries({ queryKey: AUTHORIZATIONS });
      void queryClient.invalidateQueries({ queryKey: MY_APPS });
    },
  });
  const items = query.data?.items;

  return (
    <Paper withBorder radius="md" p="lg" maw={720} mt="xl" component="section" aria-labelledby="authorized-apps-title">
      <Title order={2} size="h3" id="authorized-apps-title" mb="xs">
        Apps you've authorised
      </Title>
      {query.error && <ErrorAlert title="Could not load the apps you authorised">{query.error.message}</ErrorAlert>}
      {items?.length === 0 && (
        <Text size="sm" c="dimmed">
          You have not allowed any app to learn about you.
        </Text>
      )}
      <Stack gap="sm">
        {items?.map((app) => (
          <Group key={app.id} justify="space-between" wrap="nowrap" align="flex-start">
            <Group wrap="nowrap" align="flex-start">
              <Avatar src={app.logoUrl} alt="" radius="sm">
                {app.name.slice(0, 1)}
              </Avatar>
              <div>
                <Text fw={500}>{app.name}</Text>
                <Text size="xs" c="dimmed">
                  Allowed {formatDateTime(app.consentedAt)}: {app.scopes.join(', ')}
                </Text>
              </div>
            </Group>
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
          onConfirm={async () => {
            await withdraw.mutateAsync(withdrawing);
            setWithdrawing(null);
          }}
          onClose={() => setWithdrawing(null)}
        >
          {withdrawing.name} is signed out and can no longer read your details. If you open it again, it asks for your permission first.
        </ConfirmDialog>
      )}
    </Paper>
  );
}
