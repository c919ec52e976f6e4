import { Button, SimpleGrid, Stack, Text, Title } from '@mantine/core';

type Props = { label: string; choices: string[]; busy: boolean; onChoose: (code: string) => void };

/** Four codes, one of which the other person reads out. Picking a wrong one stops the invitation. */
export function CodeChoice({ label, choices, busy, onChoose }: Props) {
  return (
    <Stack gap="xs" role="group" aria-label={label}>
      <Text fw={600}>{label}</Text>
      <SimpleGrid cols={2}>
        {choices.map((code) => (
          <Button key={code} variant="default" size="lg" disabled={busy} onClick={() => onChoose(code)} ff="monospace">
            {code}
          </Button>
        ))}
      </SimpleGrid>
      <Text size="xs" c="dimmed">
        A wrong choice stops the invitation for safety.
      </Text>
    </Stack>
  );
}

/** The code this side reads out loud. */
export function SpokenCode({ code, to }: { code: string; to: string }) {
  return (
    <Stack gap={4} align="center">
      <Text size="sm" c="dimmed">
        Read this code out to {to}
      </Text>
      <Title order={2} ff="monospace" fz={40} lts={6} data-testid="spoken-code">
        {code}
      </Title>
    </Stack>
  );
}
