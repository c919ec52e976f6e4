import { z } from 'zod';
import type { Database } from '../../platform/db.js';
import { defineSettingsSection, readSettings, writeSettings } from '../../settings/index.js';
import { MFA_METHODS, mfaSettingsFields, WITHOUT_METHOD_POLICIES } from '../fields.js';

const SETTINGS_KEY = 'mfa';

const stored = z.object({
  allowedMethods: z.array(z.enum(MFA_METHODS)).default([...MFA_METHODS]),
  required: z.boolean().default(false),
  withoutMethod: z.enum(WITHOUT_METHOD_POLICIES).default('lockout'),
  smsWebhookUrl: z.string().nullable().default(null),
});

export type MfaSettings = z.output<typeof stored>;

export const readMfaSettings = (db: Database): Promise<MfaSettings> => readSettings(db, SETTINGS_KEY, stored);

export const mfaSettingsView = z
  .object({
    allowedMethods: z.array(z.enum(MFA_METHODS)).describe('Second factors people may use'),
    required: z.boolean().describe('Require two-factor authentication for everyone'),
    withoutMethod: z.enum(WITHOUT_METHOD_POLICIES).describe('When required, what happens to people without a second factor'),
    smsWebhookUrl: z
      .string()
      .nullable()
      .describe('SMS codes are POSTed here as JSON {to, text}; null keeps them in the dev mailbox'),
  })
  .meta({ id: 'MfaSettings' });

export const mfaSettingsPatch = z.object({
  allowedMethods: mfaSettingsFields.allowedMethods.transform((methods) => MFA_METHODS.filter((m) => methods.includes(m))).optional(),
  required: mfaSettingsFields.required.optional(),
  withoutMethod: mfaSettingsFields.withoutMethod.optional(),
  smsWebhookUrl: mfaSettingsFields.smsWebhookUrl.optional(),
});

export const mfaSettingsSection = defineSettingsSection({
  field: 'mfa',
  permission: 'settings.manage',
  routesPeoplesMessages: true,
  view: mfaSettingsView,
  patch: mfaSettingsPatch,
  read: (db) => readMfaSettings(db),
  async write(tx, context, patch) {
    const current = await readMfaSettings(tx);
    const next: MfaSettings = {
      allowedMethods: patch.allowedMethods ?? current.allowedMethods,
      required: patch.required ?? current.required,
      withoutMethod: patch.withoutMethod ?? current.withoutMethod,
      smsWebhookUrl: patch.smsWebhookUrl === undefined ? current.smsWebhookUrl : patch.smsWebhookUrl || null,
    };
    await writeSettings(tx, context, SETTINGS_KEY, stored, next);
  },
});
