import type { Schemas } from '../api';
import { describeParty } from '../user-detail/describeEvent';

type NamedAuditEvent = Schemas['UserAuditEvent'];

/**
 * What each kind of event says, with the actor first: "Ada Admin disabled Pat Parted". `{target}` is the name of
 * what the event happened to. Actions missing here read as the actor and the action's own words.
 */
const SENTENCES: Record<string, string> = {
  'user.created': 'added {target}',
  'user.updated': 'edited {target}',
  'user.deleted': 'deleted {target}',
  'user.disabled': 'disabled {target}',
  'user.enabled': 'enabled {target}',
  'user.revoked': 'revoked the access of {target}',
  'user.approved': 'approved {target}',
  'user.roles_changed': 'changed the roles of {target}',
  'user.groups_changed': 'changed the groups of {target}',
  'user.sessions_ended': 'signed {target} out everywhere',
  'users.imported': 'imported people from a CSV file',
  'invitation.created': 'invited {target}',
  'invitation.resent': 'resent the invitation of {target}',
  'invitation.revoked': 'withdrew the invitation of {target}',
  'invitation.accepted': 'accepted their invitation',
  'signup_link.created': 'made a sign-up link',
  'signup_link.revoked': 'revoked a sign-up link',
  'signup_link.redeemed': 'joined through a sign-up link',
  'access_request.created': 'asked to join',
  'access_request.approved': 'approved an access request',
  'access_request.declined': 'declined an access request',
  'access_request.restored': 'restored an access request',
  'group.created': 'created the group {target}',
  'group.updated': 'edited the group {target}',
  'group.deleted': 'deleted a group',
  'group.members_added': 'added members to {target}',
  'group.member_removed': 'removed a member from {target}',
  'role.created': 'created a role',
  'role.updated': 'edited a role',
  'role.deleted': 'deleted a role',
  'app.created': 'registered an app',
  'app.updated': 'edited an app',
  'app.deleted': 'deleted an app',
  'app.secret_rotated': 'made a new secret for an app',
  'app.sign_in': 'signed in to an app',
  'settings.updated': 'changed the {area} settings',
  'sso_provider.created': 'added an SSO provider',
  'sso_provider.updated': 'edited an SSO provider',
  'sso_provider.deleted': 'removed an SSO provider',
  'api_token.created': 'made an API token',
  'api_token.revoked': 'revoked the API token {target}',
  'auth.login.succeeded': 'signed in',
  'auth.login.failed': 'failed to sign in',
  'auth.logout': 'signed out',
  'auth.password.changed': 'changed their password',
  'passkey.registered': 'added a passkey',
  'passkey.removed': 'removed a passkey',
  'mfa.method_added': 'turned on two-step verification',
  'mfa.method_removed': 'removed a second factor',
  'email.verified': 'confirmed their email address',
  'setup.completed': 'finished setting up Foyer',
  'instance.backup_downloaded': 'downloaded a backup',
};

/** "Ada Admin disabled Pat Parted." — one audit event as a sentence people read at a glance. */
export function auditSentence(event: NamedAuditEvent): string {
  const actor = describeParty(event.actor);
  const target = event.target?.name ?? (event.target?.type ? `a ${event.target.type.replace(/_/g, ' ')}` : 'something');
  const area = event.target?.id?.replace(/_/g, ' ') ?? 'instance';
  const phrase = SENTENCES[event.action];
  if (!phrase) return `${actor}: ${event.action.replace(/[._]/g, ' ')}.`;
  return `${actor} ${phrase.replace('{target}', target).replace('{area}', area)}.`;
}
