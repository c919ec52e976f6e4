import { useCallback, useEffect, useState } from 'react';
import { toApiError, type ApiError } from '../api';
import { loadMfaStatus, type MfaStatus } from './mfaApi';

// The two-factor and recovery-code cards show one state: a change made in either reloads both.
const listeners = new Set<() => void>();
export const announceMfaChange = () => listeners.forEach((listener) => listener());

export function useMfaStatus(): { status: MfaStatus | null; error: ApiError | null; reload: () => void } {
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const load = useCallback(() => {
    loadMfaStatus()
      .then((next) => {
        setStatus(next);
        setError(null);
      })
      .catch((err: unknown) => setError(toApiError(err)));
  }, []);

  useEffect(() => {
    load();
    listeners.add(load);
    return () => {
      listeners.delete(load);
    };
  }, [load]);

  return { status, error, reload: announceMfaChange };
}
