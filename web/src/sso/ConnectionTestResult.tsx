import { Alert, List } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import type { ConnectionTest } from './types';

/** What "Test connection" found, in the words the server chose. */
export function ConnectionTestResult({ result }: { result: ConnectionTest }) {
  if (result.ok) {
    return (
      <Alert color="green" icon={<IconCircleCheck />} title="Connection works">
        Foyer read the provider’s discovery document ({result.issuer}) and it offers everything sign-in needs.
      </Alert>
    );
  }
  return (
    <Alert color="red" icon={<IconAlertTriangle />} title="Connection problems">
      <List size="sm">
        {result.problems.map((problem) => (
          <List.Item key={problem}>{problem}</List.Item>
        ))}
      </List>
    </Alert>
  );
}
