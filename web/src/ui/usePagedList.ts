import { keepPreviousData, useInfiniteQuery, useQueryClient, type InfiniteData, type QueryKey } from '@tanstack/react-query';
import { useMemo } from 'react';
import { toApiError, type ListPage } from '../api';

/**
 * One cursor-paged list on a screen, cached under `queryKey`: a new key (new filters, a new sort) starts from the
 * first page (showing the previous rows meanwhile), and replies to an older key can never overwrite a newer one. "Load more" appends; `reload()` and any
 * invalidation of the key (after a change the screen made) fetch the loaded pages again. `items` is null until the
 * first page arrives, so screens can tell "loading" from "empty".
 */
export function usePagedList<T>(
  queryKey: QueryKey,
  fetchPage: (cursor?: string) => Promise<ListPage<T>>,
  /** `refetchInterval`: a list others change while it is open (access requests) asks again this often, in ms. */
  options: { refetchInterval?: number } = {},
) {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While a new filter loads, the rows of the old one stay on screen instead of a spinner.
    placeholderData: keepPreviousData,
    refetchInterval: options.refetchInterval,
  });
  const { data, error, isFetching, hasNextPage, fetchNextPage, refetch } = query;

  const items = useMemo(() => data?.pages.flatMap((page) => page.items) ?? null, [data]);

  /** Changes the loaded items in place, for a change this screen made and already has the result of. */
  const updateItems = (change: (items: T[]) => T[]) =>
    queryClient.setQueryData<InfiniteData<ListPage<T>, string | undefined>>(queryKey, (current) =>
      current && { ...current, pages: current.pages.map((page) => ({ ...page, items: change(page.items) })) },
    );

  return {
    items,
    error: error ? toApiError(error) : null,
    loading: isFetching,
    hasMore: hasNextPage,
    loadMore: () => void fetchNextPage(),
    reload: () => void refetch(),
    updateItems,
  };
}
