import { z } from 'zod';
import type { Database } from '../platform/db.js';
import { defineSettingsSection, readSettings, writeSettings } from '../settings/index.js';
import { invitationSettingsFields } from './fields.js';

const SETTINGS_KEY = 'invitations';

/** How long the links that bring people in stay valid. Login links sign in whoever opens them: a day at most. */
const stored = z.object({
  invitationTtlDays: z.number().int().min(1).max(90).default(7),
  loginLinkTtlMinutes: z.number().int().min(5).max(24 * 60).default(15),
});

export type InvitationSettings = z.output<typeof stored>;

export const readInvitationSettings = (db: Database): Promise<InvitationSettings> => readSettings(db, SETTINGS_KEY, stored);

const view = z
  .object({
    invitationTtlDays: z.number().int().describe('Days an invitation link stays valid (1–90, default 7)'),
    loginLinkTtlMinutes: z.number().int().describe('Minutes a one-time login link stays valid (5–1440, default 15)'),
  })
  .meta({ id: 'InvitationSettings' });

const patch = z.object({
  invitationTtlDays: invitationSettingsFields.invitationTtlDays.optional(),
  loginLinkTtlMinutes: invitationSettingsFields.loginLinkTtlMinutes.optional(),
});

export const invitationSettingsSection = defineSettingsSection({
  field: 'invitations',
  permission: 'settings.manage',
  view,
  patch,
  read: (db) => readInvitationSettings(db),
  async write(tx, context, value) {
    const current = await readInvitationSettings(tx);
    await writeSettings(tx, context, SETTINGS_KEY, stored, { ...current, ...value });
  },
});
