import { Table, Text, type MantineSpacing } from '@mantine/core';
import type { ReactNode } from 'react';

export type Column<T> = {
  /** What the column shows; a column of buttons names itself for screen readers only (or not at all). */
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
  /** Below this width the table scrolls sideways instead of squeezing its columns (phones). */
  minWidth?: number;
  spacing?: MantineSpacing;
  /** Padding around the empty sentence, when the table sits in a card with no padding of its own. */
  emptyPadding?: MantineSpacing;
  highlightOnHover?: boolean;
  striped?: boolean;
  testId?: string;
};

/** A table of records with one row each, or a sentence when there are none: every list in the console uses it. */
export function DataTable<T>(props: DataTableProps<T>) {
  const { items, columns, rowKey, label, empty, minWidth, spacing = 'sm', emptyPadding, highlightOnHover, striped, testId } = props;
  if (items.length === 0) {
    return (
      <Text c="dimmed" size="sm" p={emptyPadding}>
        {empty}
      </Text>
    );
  }
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
