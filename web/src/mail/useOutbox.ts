import { useCallback, useEffect, useRef, useState } from 'react';
import { api, toApiError, type ApiError } from '../api';
import type { MailStatus, OutboxMessage } from './types';

const PAGE_SIZE = 50;

type Page = { items: OutboxMessage[]; nextCursor: string | null };

function outboxPath(status: MailStatus | null, cursor: string | null): string {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (status) params.set('status', status);
  if (cursor) params.set('cursor', cursor);
  return `/api/v1/admin/mail/outbox?${params}`;
}

/** Pages through the outbox, newest first; a new status filter or a reload starts over. */
export function useOutbox(status: MailStatus | null) {
  const [items, setItems] = useState<OutboxMessage[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  // Replies to an older filter may arrive after the newer one; only the latest generation may write.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (cursor: string | null) => {
      const mine = generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page>('GET', outboxPath(status, cursor));
        if (mine !== generation.current) return;
        setItems((current) => (cursor ? [...current, ...page.items] : page.items));
        setNextCursor(page.nextCursor);
      } catch (err) {
        if (mine !== generation.current) return;
        setError(toApiError(err));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [status],
  );

  const reload = useCallback(() => {
    generation.current += 1;
    void fetchPage(null);
  }, [fetchPage]);

  useEffect(reload, [reload]);

  const loadMore = useCallback(() => {
    if (nextCursor) void fetchPage(nextCursor);
  }, [fetchPage, nextCursor]);

  return { items, nextCursor, loading, error, loadMore, reload };
}
