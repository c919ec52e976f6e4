import { Alert, Code, Stack, Text } from '@mantine/core';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call, client } from '../api';
import { ErrorAlert } from '../ui/ErrorAlert';
import { PersonSelect } from '../ui/PersonSelect';
import { SectionCard } from '../ui/SectionCard';
import { APPS } from './AppsPage';

/** "Try it": whether a chosen person may open the app, why in words, and the exact claims the app would receive. */
export function TryItPanel({ appId, appName }: { appId: string; appName: string }) {
  const [userId, setUserId] = useState<string | null>(null);
  const preview = useQuery({
    queryKey: [...APPS, appId, 'preview', userId],
    queryFn: () => call(client.GET('/api/v1/admin/apps/{id}/preview', { params: { path: { id: appId }, query: { userId: userId! } } })),
    enabled: userId !== null,
  });
  const result = userId ? preview.data : undefined;

  return (
    <SectionCard
      title="Try it"
      description={`Pick a person to see whether they may open ${appName} and what it would learn about them.`}
    >
      <Stack>
        <PersonSelect label="Person" value={userId} onChange={setUserId} w={420} maw="100%" />
        {preview.error && <ErrorAlert title="Could not try the app">{preview.error.message}</ErrorAlert>}
        {result && (
          <Alert
            color={result.allowed ? 'green' : 'red'}
            icon={result.allowed ? <IconCircleCheck /> : <IconCircleX />}
            title={result.allowed ? 'Allowed' : 'Refused'}
            data-testid="try-it-result"
          >
            {result.explanation}
          </Alert>
        )}
        {result?.allowed && (
          <Stack gap={4}>
            <Text size="sm" fw={500} id="try-it-claims">
              Claims the app receives (scopes openid profile email groups)
            </Text>
            <Code block aria-labelledby="try-it-claims" data-testid="try-it-claims">
              {JSON.stringify(result.claims, null, 2)}
            </Code>
          </Stack>
        )}
      </Stack>
    </SectionCard>
  );
}
