import { Box, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import type { ReactNode } from 'react';

type Props = {
  title: string;
  subtitle?: ReactNode;
  /** The organisation's name over the card, where the page knows it (joining); Foyer otherwise. */
  brand?: string;
  children: ReactNode;
};

/** The centred card shared by every page a signed-out visitor can reach. */
export function AuthCard({ title, subtitle, brand = 'Foyer', children }: Props) {
  useDocumentTitle(`${title} · ${brand}`);
  return (
    <Center mih="100dvh" p="md" bg="var(--foyer-color-page)">
      <Box w="100%" maw={420}>
        <Text ta="center" fw={800} fz={28} c="indigo" mb="xs">
          {brand}
        </Text>
        <Paper withBorder shadow="sm" radius="md" p="xl">
          <Stack gap="lg">
            <div>
              <Title order={2} fz="h3">
                {title}
              </Title>
              {subtitle && (
                <Text c="dimmed" size="sm" mt={4}>
                  {subtitle}
                </Text>
              )}
            </div>
            {children}
          </Stack>
        </Paper>
      </Box>
    </Center>
  );
}
