import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { enqueueDecoyMail, type EnqueuedMail, enqueueMail, type TemplateData } from '../mail/index.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { users, type UserProfile } from '../accounts/index.js';
import {
  isNotificationEvent,
  NOTIFICATION_EVENT_KEYS,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationTemplate,
} from './events.js';
import { notificationPreferences } from './schema.js';

export interface NotificationPreference {
  event: NotificationEvent;
  label: string;
  description: string;
  enabled: boolean;
}

interface Person {
  id: string;
  profile: UserProfile;
  permissions: ReadonlySet<string>;
}

/**
 * The events someone may be notified about: those of the permissions they hold. Notices name other people, which
 * External users must never see (seed 003), so they receive none.
 */
export const receivableEvents = (person: Person): NotificationEvent[] =>
  person.profile === 'external' ? [] : NOTIFICATION_EVENT_KEYS.filter((e) => person.permissions.has(NOTIFICATION_EVENTS[e].permission));

export async function preferencesOf(db: Database, person: Person): Promise<NotificationPreference[]> {
  const rows = await db
    .select({ event: notificationPreferences.event, enabled: notificationPreferences.enabled })
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, person.id));
  const chosen = new Map(rows.map((r) => [r.event, r.enabled]));
  return receivableEvents(person).map((event) => {
    const { label, description, enabledByDefault } = NOTIFICATION_EVENTS[event];
    return { event, label, description, enabled: chosen.get(event) ?? enabledByDefault };
  });
}

export async function updatePreferences(
  db: Database,
  context: AuditContext,
  person: Person,
  changes: { event: string; enabled: boolean }[],
): Promise<NotificationPreference[]> {
  const receivable = new Set<string>(receivableEvents(person));
  const unknown = Object.fromEntries(
    changes.flatMap((c, i) => (receivable.has(c.event) ? [] : [[`preferences.${i}.event`, 'is not a notification you receive']])),
  );
  if (Object.keys(unknown).length > 0) {
    throw new FoyerError(400, 'validation_failed', 'Some fields are missing or invalid.', { details: { fields: unknown } });
  }
  const before = new Map((await preferencesOf(db, person)).map((p) => [p.event, p.enabled]));
  const changed = changes.filter((c) => isNotificationEvent(c.event) && before.get(c.event) !== c.enabled);
  for (const { event, enabled } of changed) {
    await db
      .insert(notificationPreferences)
      .values({ userId: person.id, event, enabled, updatedAt: context.now })
      .onConflictDoUpdate({
        target: [notificationPreferences.userId, notificationPreferences.event],
        set: { enabled, updatedAt: context.now },
      });
  }
  if (changed.length > 0) {
    await recordAudit(db, context, {
      action: 'notification_preferences.updated',
      targetType: 'user',
      targetId: person.id,
      details: Object.fromEntries(changed.map((c) => [c.event, { from: before.get(c.event as NotificationEvent), to: c.enabled }])),
    });
  }
  return preferencesOf(db, person);
}

/**
 * Who gets a notice about `event`, in one query: active, undeleted members holding the event's permission through
 * a role of their own or of one of their groups, minus those who turned it off. It starts from the few roles that
 * grant the permission rather than working out every user's permissions, so it stays cheap with many users.
 */
export async function notificationRecipients(db: Database, event: NotificationEvent) {
  const { permission, enabledByDefault } = NOTIFICATION_EVENTS[event];
  const holders = sql`(
    select ur.user_id from user_roles ur join roles r on r.id = ur.role_id where ${permission} = any(r.permissions)
    union
    select gm.user_id from group_members gm
      join group_roles gr on gr.group_id = gm.group_id
      join roles r on r.id = gr.role_id
    where ${permission} = any(r.permissions))`;
  return db
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .leftJoin(notificationPreferences, and(eq(notificationPreferences.userId, users.id), eq(notificationPreferences.event, event)))
    .where(
      and(
        eq(users.status, 'active'),
        isNull(users.deletedAt),
        eq(users.profile, 'member'),
        sql`${users.id} in ${holders}`,
        sql`coalesce(${notificationPreferences.enabled}, ${enabledByDefault})`,
      ),
    )
    .orderBy(users.email);
}

/** Enqueues the event's notice to every recipient, inside the caller's transaction. */
export async function notifyAdmins<E extends NotificationEvent>(
  db: Database,
  config: Config,
  event: E,
  data: TemplateData[NotificationTemplate<E>],
  options: { decoy?: boolean } = {},
): Promise<(EnqueuedMail & { userId: string })[]> {
  const recipients = await notificationRecipients(db, event);
  const template = NOTIFICATION_EVENTS[event].template as NotificationTemplate<E>;
  const results: (EnqueuedMail & { userId: string })[] = [];
  for (const recipient of recipients) {
    // A decoy does the same work and tells nobody (see enqueueDecoyMail).
    if (options.decoy) await enqueueDecoyMail(db, config, { to: recipient.email, template, data });
    else results.push({ ...(await enqueueMail(db, config, { to: recipient.email, template, data })), userId: recipient.id });
  }
  return results;
}
