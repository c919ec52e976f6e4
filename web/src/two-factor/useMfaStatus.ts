import type { ApiError } from '../api';
import { invalidate, useServerData } from '../api/queries';
import { loadMfaStatus, type MfaStatus } from './mfaApi';

// The two-factor and recovery-code cards show one cached state: a change made in either refreshes both.
const MFA_STATUS = ['me', 'mfa'];
export const announceMfaChange = () => void invalidate(MFA_STATUS);

export function useMfaStatus(): { status: MfaStatus | null; error: ApiError | null; reload: () => void } {
  const { data, error } = useServerData(MFA_STATUS, loadMfaStatus);
  return { status: data, error, reload: announceMfaChange };
}
