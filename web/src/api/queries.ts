import { QueryClient } from '@tanstack/react-query';
import { toApiError } from '.';

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
