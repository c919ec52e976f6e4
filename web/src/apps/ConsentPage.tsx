import { Avatar, Button, Group, List, Loader, Center, Text } from '@mantine/core';
import { IconCheck } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { call, client, toApiError, type ApiError, type ReplyOf } from '../api';
import { useServerData } from '../api/queries';
import { AuthCard } from '../ui/AuthCard';
import { ErrorAlert } from '../ui/ErrorAlert';
import { continueToApp } from './appReturn';

type Details = ReplyOf<'/oidc/interaction/{uid}/details', 'get'>;

/** /authorize/:uid — an app asks to sign the person in: say in plain words what it will see, and let them decide. */
export function ConsentPage() {
  const { uid = '' } = useParams();
  const path = { params: { path: { uid } } };
  // Asked once: the interaction ends with the decision, so asking again on focus could only fail.
  const loaded = useServerData<Details>(['oidc-interaction', uid], () => call(client.GET('/oidc/interaction/{uid}/details', path)), {
    staleTime: Infinity,
  });
  const details = loaded.data;
  const [decideError, setError] = useState<ApiError | null>(null);
  const error = decideError ?? loaded.error;
  const [sending, setSending] = useState<'allow' | 'deny' | null>(null);

  async function decide(allow: boolean) {
    setSending(allow ? 'allow' : 'deny');
    try {
      const { redirectTo } = await call(client.POST('/oidc/interaction/{uid}/consent', { ...path, body: { allow } }));
      continueToApp(redirectTo);
    } catch (err) {
      setError(toApiError(err));
      setSending(null);
    }
  }

  if (error) {
    return (
      <AuthCard title="Cannot continue">
        <ErrorAlert title="This sign-in cannot continue">{error.message}</ErrorAlert>
        <Text size="sm">
          Go back to the app and sign in again, or go to your <Link to="/">Foyer home</Link>.
        </Text>
      </AuthCard>
    );
  }
  if (!details) {
    return (
      <AuthCard title="Sign in to an app">
        <Center py="md">
          <Loader />
        </Center>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={`Sign in to ${details.app.name}?`} subtitle="This app uses your Foyer account.">
      <Group wrap="nowrap">
        <Avatar src={details.app.logoUrl} alt="" radius="sm" size="lg">
          {details.app.name.slice(0, 1)}
        </Avatar>
        <Text fw={600}>{details.app.name} will see:</Text>
      </Group>
      <List spacing="xs" icon={<IconCheck size={16} />}>
        {details.scopes.map((s) => (
          <List.Item key={s.scope}>{s.description}</List.Item>
        ))}
      </List>
      <Text size="sm" c="dimmed">
        Foyer remembers your answer. You can withdraw it at any time under My account.
      </Text>
      <Group grow>
        <Button variant="default" onClick={() => void decide(false)} loading={sending === 'deny'} disabled={sending !== null}>
          Cancel
        </Button>
        <Button onClick={() => void decide(true)} loading={sending === 'allow'} disabled={sending !== null}>
          Allow
        </Button>
      </Group>
    </AuthCard>
  );
}
