import type { AuthMethod, UserProfile, UserStatus } from '../api';

/** The Auth filter's words for the summed-up method: "local" is any passkey or password, with no single sign-on. */
export const AUTH_LABELS: Record<AuthMethod, string> = {
  local: 'Passkey or password',
  sso: 'SSO',
  sso_password: 'SSO + Password',
  pending_setup: 'Pending Setup',
};

export const STATUS_LABELS: Record<UserStatus, string> = {
  active: 'Active',
  disabled: 'Disabled',
  revoked: 'Revoked',
  pending_approval: 'Awaiting approval',
};

export const PROFILE_LABELS: Record<UserProfile, string> = { member: 'Member', external: 'External' };

/** Why the server refused or skipped one user's change, in the words of the console. */
const REASONS: Record<string, string> = {
  unchanged: 'already that way',
  last_admin: 'would leave no active administrator',
  self_action_refused: 'that is your own account',
  account_revoked: 'the account is revoked',
  forbidden: 'holds permissions you do not have',
  not_found: 'no longer exists',
  profile_change_refused: 'External profiles cannot change',
};

export const reasonText = (reason: string | undefined) => (reason ? (REASONS[reason] ?? reason.replace(/_/g, ' ')) : '');
