import { Box, Group, Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

type Props = { title: string; description?: ReactNode; action?: ReactNode; children: ReactNode };

/** One card of My account → Security; every sign-in method's card uses it so the section reads as one. */
export function SecurityCard({ title, description, action, children }: Props) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-label={title}>
      {/* On a phone the action drops below the text instead of squeezing it. */}
      <Group justify="space-between" align="flex-start" mb="md" gap="sm">
        <Box style={{ flex: '1 1 240px' }}>
          <Title order={3} fz="h4">
            {title}
          </Title>
          {description && (
            <Text c="dimmed" size="sm" mt={4}>
              {description}
            </Text>
          )}
        </Box>
        {action && <Box style={{ flexShrink: 0 }}>{action}</Box>}
      </Group>
      {children}
    </Paper>
  );
}
