import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, type AdminUser, type ApiError } from '../api';

const PAGE_SIZE = 50;

type Page = { items: AdminUser[]; nextCursor: string | null };

function usersPath(query: string, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (query) params.set('q', query);
  if (cursor) params.set('cursor', cursor);
  return `/api/v1/admin/users?${params}`;
}

/** Pages through the user directory; a new query starts over from the first page. */
export function useUserList(query: string) {
  const [items, setItems] = useState<AdminUser[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  // Replies to an older query may arrive after the newer one; only the latest generation may write.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const mine = generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page>('GET', usersPath(query, cursor));
        if (mine !== generation.current) return;
        setItems((current) => (cursor ? [...current, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (err) {
        if (mine !== generation.current) return;
        setError(toApiError(err));
        // A failed "load more" keeps its cursor so the button can retry it.
        if (!cursor) {
          setItems([]);
          setNextCursor(null);
        }
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [query],
  );

  useEffect(() => {
    generation.current += 1;
    void fetchPage(null);
  }, [fetchPage]);

  const loadMore = useCallback(() => {
    if (nextCursor) void fetchPage(nextCursor);
  }, [fetchPage, nextCursor]);

  return { items, nextCursor, loading, error, loadMore };
}
