import { Box, Group, Stack, Table, Text, type MantineSpacing } from '@mantine/core';
import type { ReactNode } from 'react';
import { usePhone } from './usePhone';

export type Column<T> = {
  /**
   * What the column shows; a column of buttons names itself for screen readers only (or not at all). On a phone each
   * record is a card: the first column is its title, text headers label their value, other columns stand unlabelled.
   */
  header?: ReactNode;
  cell: (item: T) => ReactNode;
  width?: number;
  align?: 'right';
};

export type DataTableProps<T> = {
  items: T[];
  columns: Column<T>[];
  rowKey: (item: T) => string;
  /** The table's accessible name. */
  label: string;
  /** The sentence shown instead of an empty table. */
  empty: ReactNode;
  /** Below this width the table scrolls sideways instead of squeezing its columns (tablets; phones get cards). */
  minWidth?: number;
  spacing?: MantineSpacing;
  /** Padding around the empty sentence, when the table sits in a card with no padding of its own. */
  emptyPadding?: MantineSpacing;
  highlightOnHover?: boolean;
  striped?: boolean;
  testId?: string;
};

/**
 * A table of records with one row each, or a sentence when there are none: every list in the console uses it.
 * Below the navigation's breakpoint, where no table of several columns fits, it becomes a list of cards.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const { items, columns, rowKey, label, empty, minWidth, spacing = 'sm', emptyPadding, highlightOnHover, striped, testId } = props;
  const phone = usePhone();
  if (items.length === 0) {
    return (
      <Text c="dimmed" size="sm" p={emptyPadding}>
        {empty}
      </Text>
    );
  }
  if (phone) return <CardList {...props} />;
  const table = (
    <Table verticalSpacing={spacing} aria-label={label} highlightOnHover={highlightOnHover} striped={striped} data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((column, index) => (
            <Table.Th key={index} w={column.width}>
              {column.header}
            </Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {items.map((item) => (
          <Table.Tr key={rowKey(item)}>
            {columns.map((column, index) => (
              <Table.Td key={index} ta={column.align}>
                {column.cell(item)}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
  return minWidth ? <Table.ScrollContainer minWidth={minWidth}>{table}</Table.ScrollContainer> : table;
}

function CardList<T>({ items, columns, rowKey, label, emptyPadding, testId }: DataTableProps<T>) {
  const [title, ...rest] = columns;
  return (
    <Box component="ul" aria-label={label} data-testid={testId} m={0} p={0} style={{ listStyle: 'none' }}>
      {items.map((item, index) => (
        <Box
          component="li"
          key={rowKey(item)}
          py="sm"
          px={emptyPadding ? 'md' : 0}
          style={index > 0 ? { borderTop: '1px solid var(--mantine-color-default-border)' } : undefined}
        >
          <Stack gap={6} fz="sm">
            {title && <Box fw={500}>{title.cell(item)}</Box>}
            {rest.map((column, i) =>
              typeof column.header === 'string' ? (
                <Group key={i} gap="sm" wrap="nowrap" align="baseline">
                  <Text size="sm" c="dimmed" w="35%" style={{ flexShrink: 0 }}>
                    {column.header}
                  </Text>
                  <Box miw={0} style={{ overflowWrap: 'anywhere' }}>
                    {column.cell(item)}
                  </Box>
                </Group>
              ) : (
                <Group key={i} justify="flex-end">
                  {column.cell(item)}
                </Group>
              ),
            )}
          </Stack>
        </Box>
      ))}
    </Box>
  );
}
