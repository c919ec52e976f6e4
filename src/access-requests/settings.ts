import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { defineSettingsSection, readSettings, writeSettings } from '../settings/index.js';

const SETTINGS_KEY = 'registration';

/**
 * How people may join without an invitation. Everything is off until an administrator turns it on: an open form on
 * a fresh instance with no allowed domains would take requests from anyone.
 */
const storedRegistrationSettings = z.object({
  /** The public form at /signup and `POST /api/v1/access-requests`. */
  accessRequestsEnabled: z.boolean().default(false),
  /** An unknown identity signing in through SSO gets an account awaiting approval and an access request. */
  ssoRegistrationEnabled: z.boolean().default(false),
  /** Only requests whose identity an SSO provider vouched for are taken: the public form is closed. */
  ssoVerifiedRequestsRequired: z.boolean().default(false),
});

export type RegistrationSettings = z.output<typeof storedRegistrationSettings>;

export const readRegistrationSettings = (db: Database): Promise<RegistrationSettings> =>
  readSettings(db, SETTINGS_KEY, storedRegistrationSettings);

export const registrationSettingsSection = defineSettingsSection({
  field: 'registration',
  permission: 'settings.manage',
  view: z
    .object({
      accessRequestsEnabled: z.boolean(),
      ssoRegistrationEnabled: z.boolean(),
      ssoVerifiedRequestsRequired: z.boolean(),
    })
    .describe('Joining without an invitation: the public access request form and registration through SSO.'),
  patch: z.object({
    accessRequestsEnabled: z.boolean().optional(),
    ssoRegistrationEnabled: z.boolean().optional(),
    ssoVerifiedRequestsRequired: z.boolean().optional(),
  }),
  read: (db) => readRegistrationSettings(db),
  async write(tx, context, value) {
    const current = await readRegistrationSettings(tx);
    const next = Object.fromEntries(Object.entries({ ...current, ...value }).filter(([, v]) => v !== undefined));
    await writeSettings(tx, context, SETTINGS_KEY, storedRegistrationSettings, next);
  },
});

/** Whether the sign-in page links to the public form: on, and not closed in favour of SSO-verified requests. */
export async function accessRequestFormOpen(db: Database): Promise<boolean> {
  const settings = await readRegistrationSettings(db);
  return settings.accessRequestsEnabled && !settings.ssoVerifiedRequestsRequired;
}
