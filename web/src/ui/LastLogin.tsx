import { Text } from '@mantine/core';
import { formatDateTime } from '../format';

export function LastLogin({ at }: { at: string | null }) {
  return (
    <Text inherit c={at ? undefined : 'dimmed'}>
      {formatDateTime(at)}
    </Text>
  );
}
