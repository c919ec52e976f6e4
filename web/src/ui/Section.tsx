import { Group, Paper, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** A titled card on a detail page, named for screen readers by its title, with an optional action beside it. */
export function Section({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title}>
      <Group justify="space-between" mb="md">
        <Title order={2} fz="h4">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Paper>
  );
}
