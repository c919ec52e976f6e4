import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { defineSettingsSection, readSettings, writeSettings } from '../settings/index.js';

const SETTINGS_KEY = 'sso';

const storedSsoSettings = z.object({
  /**
   * Seed 002: the sign-in page invites someone who is already signed in to "Add SSO" to their account. Off until an
   * administrator turns it on, because it only makes sense once providers are set up.
   */
  linkHint: z.boolean().default(false),
});

export type SsoSettings = z.output<typeof storedSsoSettings>;

export const readSsoSettings = (db: Database): Promise<SsoSettings> => readSettings(db, SETTINGS_KEY, storedSsoSettings);

export const ssoSettingsSection = defineSettingsSection({
  field: 'sso',
  permission: 'settings.manage',
  view: z
    .object({ linkHint: z.boolean() })
    .describe('Single sign-on: linkHint shows signed-in people an "Add SSO" prompt on the sign-in page.'),
  patch: z.object({ linkHint: z.boolean().optional() }),
  read: (db) => readSsoSettings(db),
  async write(tx, context, value) {
    const current = await readSsoSettings(tx);
    await writeSettings(tx, context, SETTINGS_KEY, storedSsoSettings, { ...current, ...(value.linkHint === undefined ? {} : { linkHint: value.linkHint }) });
  },
});
