import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api';

export interface ListPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * One cursor-paged list on a screen: loads the first page, appends on "Load more", and reloads from the start when
 * `reloadKey` changes or `load()` is called without a cursor (after a change the screen made). `items` is null until
 * the first page arrives, so screens can tell "loading" from "empty".
 */
export function usePagedList<T>(fetchPage: (cursor?: string) => Promise<ListPage<T>>, reloadKey?: unknown) {
  const [items, setItems] = useState<T[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(
    async (cursor?: string) => {
      try {
        const page = await fetchPage(cursor);
        setItems((current) => (cursor ? [...(current ?? []), ...page.items] : page.items));
        setNextCursor(page.nextCursor);
        setError(null);
      } catch (err) {
        setError(toApiError(err));
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  return { items, setItems, nextCursor, error, load };
}
