import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, type ApiError } from '../api';
import type { AdminUserDetail, Sorting, UserFilters } from './types';

const PAGE_SIZE = 50;

type Page = { items: AdminUserDetail[]; nextCursor: string | null };

function usersPath(filters: UserFilters, sorting: Sorting, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE), sort: sorting.sort, order: sorting.order });
  if (filters.q) params.set('q', filters.q);
  if (filters.status) params.set('status', filters.status);
  if (filters.role) params.set('role', filters.role);
  if (filters.group) params.set('group', filters.group);
  if (filters.authMethod) params.set('authMethod', filters.authMethod);
  if (cursor) params.set('cursor', cursor);
  return `/api/v1/admin/users?${params}`;
}

/**
 * Pages through the user directory; new filters or a new sort start over from the first page. `replace` and
 * `remove` keep the loaded pages in step with changes made from this screen without reloading them.
 */
export function useUserList(filters: UserFilters, sorting: Sorting) {
  const [items, setItems] = useState<AdminUserDetail[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  // Replies to an older query may arrive after the newer one; only the latest generation may write.
  const generation = useRef(0);
  const { q, status, role, group, authMethod } = filters;
  const { sort, order } = sorting;

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const mine = generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page>('GET', usersPath({ q, status, role, group, authMethod }, { sort, order }, cursor));
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
    [q, status, role, group, authMethod, sort, order],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    void fetchPage(null);
  }, [fetchPage]);

  useEffect(reload, [reload]);

  const loadMore = useCallback(() => {
    if (nextCursor) void fetchPage(nextCursor);
  }, [fetchPage, nextCursor]);

  const replace = useCallback((user: AdminUserDetail) => {
    setItems((current) => current.map((u) => (u.id === user.id ? user : u)));
  }, []);

  const remove = useCallback((id: string) => {
    setItems((current) => current.filter((u) => u.id !== id));
  }, []);

  return { items, nextCursor, loading, error, loadMore, reload, replace, remove };
}
