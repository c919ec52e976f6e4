import { Button, Center, Group, Loader, Paper } from '@mantine/core';
import { DataTable, type DataTableProps } from './DataTable';
import { ErrorAlert } from './ErrorAlert';
import type { usePagedList } from './usePagedList';

export type { Column } from './DataTable';

type Props<T> = Omit<DataTableProps<T>, 'items' | 'emptyPadding'> & {
  list: ReturnType<typeof usePagedList<T>>;
  errorTitle: string;
  /** Inside a card of its own the table needs no border. */
  bordered?: boolean;
};

/** A paged admin list: loading, the server's error, an empty sentence, the rows, and "Load more". */
export function PagedTable<T>({ list, errorTitle, bordered = true, ...table }: Props<T>) {
  const { items, error, hasMore, loading, loadMore } = list;
  const rows = items && <DataTable {...table} items={items} emptyPadding={bordered ? 'lg' : undefined} />;

  return (
    <>
      {error && <ErrorAlert title={errorTitle}>{error.message}</ErrorAlert>}
      {!items && !error && (
        <Center py="xl">
          <Loader aria-label={`Loading ${table.label.toLowerCase()}`} />
        </Center>
      )}
      {rows &&
        (bordered ? (
          <Paper withBorder radius="md">
            {rows}
          </Paper>
        ) : (
          rows
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
