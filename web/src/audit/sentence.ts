/**
 * Audit events as sentences ("Ada disabled Grace Hopper"). Every action the server records has words here; an
 * action added later without words still reads as a sentence naming its key.
 *
 * In the words, `{actor}` and `{target}` are the parties by name, `{target's}` is "their" when someone acted on
 * their own account and "Grace Hopper's" otherwise, and `{d.key}` is a value from the event's details.
 */
export const ACTION_WORDS: Record<string, string> = {
  'access_request.approved': '{actor} approved the access request of {target}',
  'access_request.created': '{actor} asked for access as {target}',
  'access_request.declined': '{actor} declined the access request of {target}',
  'access_request.refused': '{actor} was refused an access request from {d.domain}, a domain that may not join',
  'access_request.restored': '{actor} restored the access request of {target}',
  'access_request.resubmitted': '{actor} asked for access again as {target}',
  'api_token.created': '{actor} created the API token {target}',
  'api_token.revoked': '{actor} revoked the API token {target}',
  'api_token.used': '{actor} used the API token {target}',
  'app.access_denied': '{actor} was refused {target}, which they may not open',
  'app.consent_given': '{actor} allowed {target} to know who they are',
  'app.consent_withdrawn': '{actor} withdrew the consent given to {target}',
  'app.created': '{actor} added the app {target}',
  'app.deleted': '{actor} deleted the app {target}',
  'app.keys_rotated': '{actor} rotated the signing keys of the apps',
  'app.secret_rotated': '{actor} gave {target} a new client secret',
  'app.sign_in': '{actor} signed in to {target}',
  'app.tokens_revoked': "{actor} ended {d.people} people's access to {target}",
  'app.updated': '{actor} changed the app {target}',
  'auth.login.failed': '{actor} failed to sign in as {target}',
  'auth.login.succeeded': '{actor} signed in',
  'auth.login.throttled': '{actor} was slowed down signing in as {target} after too many attempts',
  'auth.logout': '{actor} signed out',
  'auth.mfa.challenged': '{actor} was asked for a second factor signing in as {target}',
  'auth.mfa.code_sent': '{actor} was sent a sign-in code for {target}',
  'auth.mfa.enrolment_required': '{actor} was asked to set up two-factor signing in as {target}',
  'auth.mfa.failed': '{actor} gave a wrong second factor for {target}',
  'auth.password.change_failed': "{actor} failed to change {target's} password",
  'auth.password.changed': "{actor} changed {target's} password",
  'auth.password.reset': "{actor} reset {target's} password with a reset link",
  'auth.password.reset_requested': '{actor} asked for a password reset for {d.email}',
  'auth.password.set': "{actor} set {target's} password",
  'auth.reauthenticated': '{actor} confirmed it was them',
  'auth.reauthentication.failed': '{actor} failed to confirm it was them',
  'auth.sign_in.locked': '{actor} locked sign-in to {target} after {d.failures} failed attempts',
  'auth.sign_in.unlocked': '{actor} unlocked sign-in to {target}',
  'email.verification_sent': '{actor} sent {target} a link to verify {d.email}',
  'email.verified': '{actor} verified {d.email}',
  'group.created': '{actor} created the group {target}',
  'group.deleted': '{actor} deleted the group {target}',
  'group.member_removed': '{actor} removed a member from {target}',
  'group.members_added': '{actor} added members to {target}',
  'group.updated': '{actor} changed the group {target}',
  'instance.backup_downloaded': '{actor} downloaded a backup of the database',
  'invitation.accepted': '{actor} accepted the invitation for {target}',
  'invitation.claimed_by_sso': '{actor} accepted the invitation for {target} through single sign-on',
  'invitation.created': '{actor} invited {target}',
  'invitation.resent': '{actor} sent the invitation to {target} again',
  'invitation.revoked': '{actor} revoked the invitation of {target}',
  'login_link.issued': '{actor} made a sign-in link for {target}',
  'login_link.revoked': '{actor} revoked a sign-in link of {target}',
  'login_link.used': '{actor} signed in as {target} with a sign-in link',
  'mail.retried': '{actor} retried the mail to {target}',
  'mail.test_sent': '{actor} sent a test mail to {target}',
  'mfa.method_added': '{actor} added a second factor to {target}',
  'mfa.method_removed': '{actor} removed a second factor from {target}',
  'mfa.recovery_code_issued': '{actor} issued a recovery code for {target}',
  'mfa.recovery_code_used': '{actor} used a recovery code for {target}',
  'mfa.recovery_codes_generated': "{actor} made new recovery codes for {target's} account",
  'notification_preferences.updated': "{actor} changed {target's} notification preferences",
  'passkey.registered': '{actor} added a passkey to {target}',
  'passkey.removed': '{actor} removed a passkey from {target}',
  'passkey.renamed': '{actor} renamed a passkey of {target}',
  'passkey.sign_count_regressed': "{actor} signed in as {target} with a passkey that may have been copied",
  'role.created': '{actor} created the role {target}',
  'role.deleted': '{actor} deleted the role {target}',
  'role.updated': '{actor} changed the role {target}',
  'session.ended': "{actor} ended a session of {target's}",
  'session.others_ended': "{actor} ended {target's} other sessions",
  'settings.updated': '{actor} changed the instance settings',
  'setup.bootstrap_admin_created': '{actor} created the first administrator, {target}',
  'setup.completed': '{actor} finished setting up Foyer as {target}',
  'setup.link_issued': '{actor} issued a setup link',
  'signup_link.created': '{actor} created the sign-up link {target}',
  'signup_link.redeemed': '{actor} joined through the sign-up link {target}',
  'signup_link.resumed': '{actor} came back to finish joining through {target}',
  'signup_link.revoked': '{actor} revoked the sign-up link {target}',
  'signup_link.sent': '{actor} sent the sign-up link {target} by mail',
  'signup_link.started': '{actor} started joining through the sign-up link {target}',
  'sso.identity_linked': '{actor} linked {target} to {d.provider}',
  'sso.identity_unlinked': '{actor} unlinked {target} from single sign-on',
  'sso_provider.created': '{actor} added the sign-in provider {target}',
  'sso_provider.deleted': '{actor} deleted the sign-in provider {target}',
  'sso_provider.updated': '{actor} changed the sign-in provider {target}',
  'user.approved': '{actor} approved {target}',
  'user.auth_method_changed': "{actor} changed how {target} signs in",
  'user.created': '{actor} created {target}',
  'user.deleted': '{actor} deleted {target}',
  'user.disabled': '{actor} disabled {target}',
  'user.enabled': '{actor} enabled {target}',
  'user.groups_changed': "{actor} changed {target's} groups",
  'user.profile_updated': "{actor} changed {target's} profile",
  'user.revoked': '{actor} revoked {target}',
  'user.roles_changed': "{actor} changed {target's} roles",
  'user.session_ended': "{actor} ended a session of {target's}",
  'user.sessions_ended': "{actor} ended all of {target's} sessions",
  'user.updated': '{actor} edited {target}',
  'users.imported': '{actor} imported {d.created} people from a CSV file',
  'verified_invitation.aborted': '{actor} ended a verified invitation',
  'verified_invitation.code_confirmed': '{actor} confirmed the code of a verified invitation',
  'verified_invitation.code_rejected': '{actor} gave a wrong code for a verified invitation',
  'verified_invitation.completed': '{actor} completed a verified invitation',
  'verified_invitation.created': '{actor} started a verified invitation',
  'verified_invitation.expired': '{actor} let a verified invitation expire',
  'verified_invitation.greeted': '{actor} greeted the guest of a verified invitation',
  'verified_invitation.guest_joined': '{actor} joined a verified invitation as its guest',
  'verified_invitation.guest_signed_in': '{actor} signed in as the guest of a verified invitation',
  'verified_invitation.step_refused': '{actor} was refused a step of a verified invitation',
};

export type AuditParty = { type: string; id: string | null; name: string | null; tokenName?: string | null };

/** What a sentence needs of an event, from either the audit log or a person's trail. */
export type AuditEntry = { action: string; actor: AuditParty; target: AuditParty | null; details: Record<string, unknown> };

export type SentencePart = { kind: 'text'; text: string } | { kind: 'party'; role: 'actor' | 'target'; text: string };

/** An event of the audit log (Schemas['AuditEvent'], written out so the server's tests can read this file too). */
type LoggedEvent = {
  action: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  actorTokenName: string | null;
  targetType: string | null;
  targetId: string | null;
  targetName: string | null;
  details: Record<string, unknown>;
};

export const fromAuditEvent = (e: LoggedEvent): AuditEntry => ({
  action: e.action,
  actor: { type: e.actorType, id: e.actorId, name: e.actorName, tokenName: e.actorTokenName },
  target: e.targetType || e.targetId ? { type: e.targetType ?? 'unknown', id: e.targetId, name: e.targetName } : null,
  details: e.details,
});

/** An event of a person's trail (Schemas['UserAuditEvent']). */
type TrailEvent = Pick<AuditEntry, 'action' | 'actor' | 'target' | 'details'>;

export const fromUserAuditEvent = (e: TrailEvent): AuditEntry => ({
  action: e.action,
  actor: e.actor,
  target: e.target,
  details: e.details,
});

const NOUNS: Record<string, string> = {
  user: 'user',
  group: 'group',
  role: 'role',
  app: 'app',
  api_token: 'API token',
  sso_provider: 'sign-in provider',
  signup_link: 'sign-up link',
  access_request: 'access request',
  verified_invitation: 'verified invitation',
};

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

export function actorName(actor: AuditParty): string {
  if (actor.type === 'system') return 'Foyer';
  if (actor.type === 'anonymous') return 'Someone';
  const person = actor.name ?? (actor.id ? 'A deleted user' : 'Someone');
  if (actor.type !== 'api_token') return person;
  return actor.tokenName ? `${person} (API token “${actor.tokenName}”)` : `${person} (with an API token)`;
}

/** The target by its name now, else by the name or address the event kept, else as "a deleted user". */
export function targetName(entry: AuditEntry): string {
  const { target, details } = entry;
  if (!target) return 'someone';
  if (target.name) return target.name;
  if (target.type === 'settings') return 'the settings';
  if (target.type === 'mail') return text(details.to) ?? 'a mail';
  const kept = text(details.name) ?? text(details.email);
  if (kept) return kept;
  const noun = NOUNS[target.type];
  return noun ? `a deleted ${noun}` : (target.id ?? 'something');
}

const isSelf = ({ actor, target }: AuditEntry) =>
  target !== null && target.type === 'user' && target.id !== null && actor.type === 'user' && actor.id === target.id;

/** The sentence for one event, as text and the parties it names (so a screen can make names stand out). */
export function auditSentence(entry: AuditEntry): SentencePart[] {
  const words = ACTION_WORDS[entry.action] ?? `{actor} recorded “${entry.action}”${entry.target ? ' for {target}' : ''}`;
  return words.split(/(\{[^}]+\})/).flatMap((piece): SentencePart[] => {
    if (piece === '') return [];
    if (piece === '{actor}') return [{ kind: 'party', role: 'actor', text: actorName(entry.actor) }];
    if (piece === '{target}') return [{ kind: 'party', role: 'target', text: isSelf(entry) ? 'their own account' : targetName(entry) }];
    if (piece === "{target's}") {
      return isSelf(entry) ? [{ kind: 'text', text: 'their' }] : [{ kind: 'party', role: 'target', text: `${targetName(entry)}’s` }];
    }
    if (piece.startsWith('{d.')) return [{ kind: 'text', text: text(entry.details[piece.slice(3, -1)]) ?? 'some' }];
    return [{ kind: 'text', text: piece }];
  });
}

export const sentenceText = (entry: AuditEntry): string => auditSentence(entry).map((p) => p.text).join('');

/** An action in a filter list: its sentence with the parties left out ("… disabled …"). */
export function actionLabel(action: string): string {
  const words = ACTION_WORDS[action];
  if (!words) return action;
  return words.replace('{actor} ', '').replace(/\{target('s)?\}/g, '…').replace(/\{d\.[^}]+\}/g, '…').replace(/^./, (c) => c.toUpperCase());
}

const isRef = (v: unknown): v is { name: string } => typeof v === 'object' && v !== null && 'name' in v;
const isChange = (v: unknown): v is { from: unknown; to: unknown } => typeof v === 'object' && v !== null && 'from' in v && 'to' in v;

function show(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length ? value.map((v) => (isRef(v) ? v.name : show(v))).join(', ') : 'none';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Raw ids (`groupIds`, `accessRequestId`) say nothing to a reader; the sentence already names who and what. */
const isIdField = (field: string) => field === 'id' || /[a-z]Ids?$/.test(field);
/** `withPassword` reads "with password". */
const fieldWords = (field: string) => field.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();

/** "name: Old → New; roles: Member → Admin" from the `{field: {from, to}}` details every change records. */
export function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .filter(([field]) => !isIdField(field))
    .map(([field, value]) => {
      const label = fieldWords(field);
      return isChange(value) ? `${label}: ${show(value.from)} → ${show(value.to)}` : `${label}: ${show(value)}`;
    })
    .join('; ');
}
