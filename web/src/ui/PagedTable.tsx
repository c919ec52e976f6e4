import { Button, Center, Group, Loader, Paper, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './ErrorAlert';
import type { usePagedList } from './usePagedList';

export type Column<T> = {
  /** What the column shows; a column of buttons names itself for screen readers only. */
  header: ReactNode;
  cell: (item: T) => ReactNode;
  width?: number;
};

type Props<T> = {
  list: ReturnType<typeof usePagedList<T>>;
  columns: Column<T>[];
  rowKey: (item: T) => string;
  /** The table's accessible name. */
  label: string;
  errorTitle: string;
  empty: ReactNode;
  /** Below this width the table scrolls sideways instead of squeezing its columns (phones). */
  minWidth: number;
  /** Inside a card of its own the table needs no border. */
  bordered?: boolean;
  highlightOnHover?: boolean;
  striped?: boolean;
  testId?: string;
};

/** A paged admin list: loading, the server's error, an empty sentence, the rows, and "Load more". */
export function PagedTable<T>(props: Props<T>) {
  const { list, columns, rowKey, label, errorTitle, empty, minWidth, bordered = true, highlightOnHover, striped, testId } = props;
  const { items, error, hasMore, loading, loadMore } = list;
  const body =
    items && items.length === 0 ? (
      <Text c="dimmed" size="sm" p={bordered ? 'lg' : undefined}>
        {empty}
      </Text>
    ) : (
      items && (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table verticalSpacing="sm" aria-label={label} highlightOnHover={highlightOnHover} striped={striped} data-testid={testId}>
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
                    <Table.Td key={index}>{column.cell(item)}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )
    );

  return (
    <>
      {error && <ErrorAlert title={errorTitle}>{error.message}</ErrorAlert>}
      {!items && !error && (
        <Center py="xl">
          <Loader aria-label={`Loading ${label.toLowerCase()}`} />
        </Center>
      )}
      {items &&
        (bordered ? (
          <Paper withBorder radius="md">
            {body}
          </Paper>
        ) : (
          body
        ))}
      {hasMore && (
        <Group justify="center" mt="md">
          <Button variant="default" loading={loading} onClick={loadMore}>
            Load more
          </Button>
        </Group>
      )}
    </>
  );
}
