import { useQuery } from '@tanstack/react-query';
import { toApiError, type ApiError } from '../api';
import { queryClient } from '../api/queries';
import { loadMfaStatus, type MfaStatus } from './mfaApi';

// The two-factor and recovery-code cards show one cached state: a change made in either refreshes both.
const MFA_STATUS = ['me', 'mfa'];
export const announceMfaChange = () => void queryClient.invalidateQueries({ queryKey: MFA_STATUS });

export function useMfaStatus(): { status: MfaStatus | null; error: ApiError | null; reload: () => void } {
  const { data, error } = useQuery({ queryKey: MFA_STATUS, queryFn: loadMfaStatus });
  return { status: data ?? null, error: error ? toApiError(error) : null, reload: announceMfaChange };
}
