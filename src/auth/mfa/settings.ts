import { z } from 'zod';
import type { Database } from '../../platform/db.js';
import { defineSettingsSection, readSettings, writeSettings } from '../../settings/index.js';
import { MFA_METHODS } from './schema.js';

const SETTINGS_KEY = 'mfa';

/**
 * What happens, once two-factor is required, to someone who has no second factor yet. `lockout` is seed 001: they
 * cannot sign in until an administrator issues them a one-time recovery code. `enrol_at_sign_in` is gentler: their
 * sign-in stops at setting up a second factor, and only then do they get a session.
 */
export const WITHOUT_METHOD_POLICIES = ['lockout', 'enrol_at_sign_in'] as const;

const stored = z.object({
  allowedMethods: z.array(z.enum(MFA_METHODS)).default([...MFA_METHODS]),
  required: z.boolean().default(false),
  withoutMethod: z.enum(WITHOUT_METHOD_POLICIES).default('lockout'),
  smsWebhookUrl: z.string().nullable().default(null),
});

export type MfaSettings = z.output<typeof stored>;

export const readMfaSettings = (db: Database): Promise<MfaSettings> => readSettings(db, SETTINGS_KEY, stored);

const webhookUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), { message: 'must be an http:// or https:// address' });

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
  allowedMethods: z
    .array(z.enum(MFA_METHODS))
    .min(1, { message: 'must allow at least one method' })
    .transform((methods) => MFA_METHODS.filter((m) => methods.includes(m)))
    .optional(),
  required: z.boolean().optional(),
  withoutMethod: z.enum(WITHOUT_METHOD_POLICIES).optional(),
  smsWebhookUrl: webhookUrl.nullable().optional(),
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
