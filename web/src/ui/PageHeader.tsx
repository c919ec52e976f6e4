import { Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type Props = {
  title: string;
  description?: string;
  /** The page's primary action(s): top right beside the title, wrapping under it when the screen is narrow. */
  actions?: ReactNode;
};

/** The top of every signed-in console page: title, description, then the page's actions; the content follows. */
export function PageHeader({ title, description, actions }: Props) {
  useDocumentTitle(`${title} · Foyer`);
  return (
    <Group justify="space-between" align="flex-start" gap="md" mb="lg">
      {/* The title keeps at least 18rem before the actions move under it, so a phone never squeezes both on one row. */}
      <Stack gap={4} style={{ flex: '1 1 18rem', minWidth: 0 }}>
        <Title order={1} fz="h2" style={{ overflowWrap: 'anywhere' }}>
          {title}
        </Title>
        {description && <Text c="dimmed">{description}</Text>}
      </Stack>
      {actions && (
        <Group gap="sm" wrap="wrap">
          {actions}
        </Group>
      )}
    </Group>
  );
}
