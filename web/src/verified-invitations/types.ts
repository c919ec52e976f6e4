import type { Schemas, UserProfile } from '../api';

export type InvitationState = HostInvitation['state'];

export const TERMINAL_STATES: readonly InvitationState[] = ['completed', 'aborted', 'expired'];

/** What the host sees; `code` and `choices` only reach the administrator who greeted. */
export type HostInvitation = Schemas['HostVerifiedInvitation'];
export type GuestInvitation = Schemas['GuestVerifiedInvitation'];

export type ConfirmedDetails = {
  name: string;
  email: string;
  username: string;
  roleIds: string[];
  groupIds: string[];
  profile: UserProfile;
};

export const STATE_LABELS: Record<InvitationState, string> = {
  waiting_for_guest: 'Waiting for the guest',
  guest_waiting: 'Guest is waiting',
  greeted: 'Exchanging codes',
  guest_confirmed: 'Exchanging codes',
  host_confirmed: 'Exchanging codes',
  details: 'Confirming details',
  completed: 'Completed',
  aborted: 'Stopped',
  expired: 'Timed out',
};

export const STATE_COLORS: Record<InvitationState, string> = {
  waiting_for_guest: 'gray',
  guest_waiting: 'yellow',
  greeted: 'blue',
  guest_confirmed: 'blue',
  host_confirmed: 'blue',
  details: 'blue',
  completed: 'green',
  aborted: 'red',
  expired: 'orange',
};

export const ABORT_REASONS: Record<string, string> = {
  cancelled: 'The administrator cancelled the invitation.',
  guest_chose_wrong_code: 'The guest picked a code the administrator did not read out.',
  host_chose_wrong_code: 'The administrator picked a code the guest did not read out.',
};
