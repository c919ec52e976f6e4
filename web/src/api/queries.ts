import { QueryClient, useQuery, type QueryKey } from '@tanstack/react-query';
import { toApiError, type ApiError } from '.';

/**
 * The console's cache of server state. Data is refetched when the window regains focus (react-query's default),
 * so a tab left open catches up with changes made elsewhere. Only a lost connection or a failing server is retried:
 * a 4xx is an answer and is shown at once.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) => failures < 2 && (toApiError(error).status === 0 || toApiError(error).status >= 500),
    },
  },
});

/** Marks the cached answers under these keys stale: those on screen are fetched again, the others when next shown. */
export const invalidate = (...keys: QueryKey[]) =>
  Promise.all(keys.map((queryKey) => queryClient.invalidateQueries({ queryKey })));

type ServerDataOptions = { enabled?: boolean; staleTime?: number; gcTime?: number; refetchOnWindowFocus?: boolean };

/**
 * One server resource as a screen shows it: `data` is null until it arrives, and `error` is the ApiError the screen
 * puts in its ErrorAlert. Several screens asking for the same key share one request and one cached answer.
 */
export function useServerData<T>(queryKey: QueryKey, queryFn: () => Promise<T>, options: ServerDataOptions = {}) {
  const query = useQuery({ queryKey, queryFn, ...options });
  const error: ApiError | null = query.error ? toApiError(query.error) : null;
  return { data: query.data ?? null, error, loading: query.isPending && query.fetchStatus !== 'idle' };
}
