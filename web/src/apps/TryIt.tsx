import { Alert, Code, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client, toApiError } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PersonSearch } from '../users/PersonSearch';
import { APPS } from './AppsPage';

/** "Try it": what a chosen person would get from this app right now — let in or not, why, and the exact claims. */
export function TryIt({ appId }: { appId: string }) {
  const [userId, setUserId] = useState<string | null>(null);
  const preview = useQuery({
    queryKey: [...APPS, appId, 'preview', userId],
    queryFn: () => call(client.GET('/api/v1/admin/apps/{id}/preview', { params: { path: { id: appId }, query: { userId: userId! } } })),
    enabled: userId !== null,
  });
  const result = preview.data;

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        Choose a person to see whether they may open the app, why, and the claims the app would receive (scopes openid, profile, email
        and groups).
      </Text>
      <PersonSearch label="Person" value={userId} onChange={setUserId} />
      {preview.error && <ErrorAlert title="Could not try it">{toApiError(preview.error).message}</ErrorAlert>}
      {result && (
        <Stack data-testid="try-it-result">
          <Alert color={result.allowed ? 'green' : 'red'} title={result.allowed ? 'Allowed' : 'Refused'}>
            {result.explanation}
          </Alert>
          {result.allowed && (
            <Stack gap={4}>
              <Text size="sm" fw={500} id="try-it-claims">
                Claims
              </Text>
              <Code block aria-labelledby="try-it-claims">
                {JSON.stringify(result.claims, null, 2)}
              </Code>
            </Stack>
          )}
        </Stack>
      )}
    </Stack>
  );
}
