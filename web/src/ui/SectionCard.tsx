import { Box, Group, Paper, Text, Title, type MantineSpacing, type StyleProp } from '@mantine/core';
import { useId, type CSSProperties, type FormEvent, type ReactNode } from 'react';

type Props = {
  /** The heading, which also names the card for assistive technology (a region, or a form). */
  title: string;
  description?: ReactNode;
  /** Buttons or a short note beside the title; on a phone they drop below it instead of squeezing it. */
  actions?: ReactNode;
  /** The heading level where the card sits under another heading (My account → Security); it looks the same. */
  order?: 2 | 3;
  /** A card that is one form: it renders as the form itself, so the form carries the title as its name. */
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  maw?: StyleProp<CSSProperties['maxWidth']>;
  mt?: StyleProp<MantineSpacing>;
  children: ReactNode;
};

/** One bordered section of a console page: title, optional description and actions, then its content. */
export function SectionCard({ title, description, actions, order = 2, onSubmit, maw, mt, children }: Props) {
  const titleId = useId();
  const content = (
    <>
      <Group justify="space-between" align="flex-start" mb="md" gap="sm">
        <Box style={{ flex: '1 1 240px' }}>
          <Title order={order} fz="h4" id={titleId}>
            {title}
          </Title>
          {description && (
            <Text c="dimmed" size="sm" mt={4}>
              {description}
            </Text>
          )}
        </Box>
        {/* Beside the title the actions keep their width; on a line of their own they wrap within the card. */}
        {actions && <Box style={{ flexShrink: 0, maxWidth: '100%' }}>{actions}</Box>}
      </Group>
      {children}
    </>
  );
  return onSubmit ? (
    <Paper withBorder radius="md" p="lg" maw={maw} mt={mt} component="form" onSubmit={onSubmit} noValidate aria-labelledby={titleId}>
      {content}
    </Paper>
  ) : (
    <Paper withBorder radius="md" p="lg" maw={maw} mt={mt} component="section" aria-labelledby={titleId}>
      {content}
    </Paper>
  );
}
