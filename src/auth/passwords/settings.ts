import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { tokenCreatorOf } from '../../api-tokens/index.js';
import type { AuditContext } from '../../audit/index.js';
import type { Database } from '../../platform/db.js';
import { FoyerError } from '../../platform/errors.js';
import { defineSettingsSection, readSettings, writeSettings } from '../../settings/index.js';
import { passkeys } from '../passkeys/schema.js';

const SETTINGS_KEY = 'passwords';

const stored = z.object({ enabled: z.boolean().default(true) });

export type PasswordSettings = z.output<typeof stored>;

export const readPasswordSettings = (db: Database): Promise<PasswordSettings> => readSettings(db, SETTINGS_KEY, stored);

export const passwordsDisabled = () =>
  new FoyerError(403, 'passwords_disabled', 'Passwords are turned off on this instance. Sign in with a passkey instead.');

/** Every way of using or choosing a password goes through this while passwords may be turned off. */
export async function assertPasswordsEnabled(db: Database): Promise<void> {
  if (!(await readPasswordSettings(db)).enabled) throw passwordsDisabled();
}

/** The person behind the change: the signed-in user, or whoever created the API token used. */
async function actingUserId(db: Database, context: AuditContext): Promise<string | null> {
  if (context.actorType === 'user') return context.actorId;
  if (context.actorType !== 'api_token' || !context.actorId) return null;
  return tokenCreatorOf(db, context.actorId);
}

/**
 * Settings → Authentication → Passwords. Turning passwords off makes a passkey-only instance (seed 000); the
 * administrator doing it must have a passkey, or they would lock themselves out with their next sign-out.
 */
export const passwordSettingsSection = defineSettingsSection({
  field: 'passwords',
  permission: 'settings.manage',
  view: z.object({ enabled: z.boolean().describe('Whether people may sign in with a password (off: passkeys only).') }),
  patch: z.object({ enabled: z.boolean() }),
  read: (db) => readPasswordSettings(db),
  async write(tx, context, value) {
    if (!value.enabled) {
      const userId = await actingUserId(tx, context);
      const [own] = userId ? await tx.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1) : [];
      if (!own) {
        throw new FoyerError(409, 'passkey_required', 'Register a passkey for your own account before turning passwords off, or you could not sign in again.', {
          details: { fields: { 'passwords.enabled': 'register a passkey first' } },
        });
      }
    }
    await writeSettings(tx, context, SETTINGS_KEY, stored, value);
  },
});
