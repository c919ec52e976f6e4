import { Anchor, Group, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '@mantine/hooks';
import { IconArrowLeft } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';

type Props = {
  title: string;
  description?: string;
  /** The page's primary action(s): top right beside the title, wrapping under it when the screen is narrow. */
  actions?: ReactNode;
  /** The list a detail page belongs to, linked above the title. */
  back?: { to: string; label: string };
};

/** The top of every signed-in console page: title, description, then the page's actions; the content follows. */
export function PageHeader({ title, description, actions, back }: Props) {
  useDocumentTitle(`${title} · Foyer`);
  return (
    <Stack gap="sm" mb="lg">
      {back && (
        <Anchor component={Link} to={back.to} size="sm" display="inline-flex" style={{ alignItems: 'center', gap: 4, alignSelf: 'flex-start' }}>
          <IconArrowLeft size={14} aria-hidden /> {back.label}
        </Anchor>
      )}
      <Group justify="space-between" align="flex-start" gap="md">
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
    </Stack>
  );
}
