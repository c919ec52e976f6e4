/** What other features may use of invitations; everything else in src/invitations/ is its own business. */
export { claimInvitationForSso, inviteUser } from './service.js';
export { invitationSettingsSection, readInvitationSettings } from './settings.js';
export { invitationCounts } from './counts.js';
