import type { SMTPTransportOptions } from 'nodemailer';
import { z } from 'zod';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db.js';
import { FoyerError } from '../platform/errors.js';
import { secretBox } from '../platform/secrets.js';
import { defineSettingsSection, readSettings, writeSettings } from '../settings/index.js';
import { mailFields, TLS_MODES } from './fields.js';
import type { Instance } from './templates.js';

const SETTINGS_KEY = 'mail';
const PASSWORD_PURPOSE = 'mail.password';

/** What the console saves. The password is sealed (platform/secrets.ts) and never leaves the server again. */
const storedMailSettings = z.object({
  host: z.string().nullable().default(null),
  port: z.number().int().default(587),
  tlsMode: z.enum(TLS_MODES).default('starttls'),
  username: z.string().nullable().default(null),
  passwordSealed: z.string().nullable().default(null),
  fromAddress: z.string().nullable().default(null),
  instanceName: z.string().default('Foyer'),
});

type StoredMailSettings = z.output<typeof storedMailSettings>;

export const readMailSettings = (db: Database): Promise<StoredMailSettings> => readSettings(db, SETTINGS_KEY, storedMailSettings);

export const mailSettingsPatch = z.object({
  host: mailFields.host.nullable().optional(),
  port: mailFields.port.optional(),
  tlsMode: mailFields.tlsMode.optional().describe('none: plain; starttls: upgrade after connecting (port 587); tls: TLS from the start (port 465)'),
  username: mailFields.username.nullable().optional(),
  password: mailFields.password.nullable().optional().describe('Write-only. Omit to keep the stored password; null or "" removes it.'),
  fromAddress: mailFields.fromAddress.nullable().optional(),
  instanceName: mailFields.instanceName.optional().describe('Shown in every email'),
});

export const mailSettingsView = z
  .object({
    host: z.string().nullable(),
    port: z.number().int(),
    tlsMode: z.enum(TLS_MODES),
    username: z.string().nullable(),
    passwordSet: z.boolean(),
    fromAddress: z.string().nullable(),
    instanceName: z.string(),
    delivery: z.enum(['smtp', 'captured']).describe('captured: no SMTP anywhere, mail stays in the dev mailbox'),
    environment: z
      .object({ smtpUrl: z.boolean(), mailFrom: z.boolean() })
      .describe('FOYER_SMTP_URL / FOYER_MAIL_FROM are set and take precedence over these settings'),
  })
  .meta({ id: 'MailSettings' });

export type MailDeliveryMode = 'smtp' | 'captured';

/** Without decrypting anything: is there an SMTP server to send to? */
export async function mailDeliveryMode(db: Database, config: Config): Promise<MailDeliveryMode> {
  if (config.mail.smtpUrl) return 'smtp';
  return (await readMailSettings(db)).host ? 'smtp' : 'captured';
}

/**
 * For the features that hand out links only email can carry (sign-up links, invitations, seed 000): in production
 * they must not pretend to work while mail goes nowhere.
 */
export async function assertMailConfigured(db: Database, config: Config): Promise<void> {
  if (!config.production || (await mailDeliveryMode(db, config)) === 'smtp') return;
  throw new FoyerError(
    409,
    'mail_not_configured',
    'Email is not set up, so nobody would receive this. Configure SMTP under Settings → Email (or FOYER_SMTP_URL) first.',
  );
}

/** The name and address templates put in every message. */
export async function mailInstance(db: Database, config: Config): Promise<Instance> {
  return { name: (await readMailSettings(db)).instanceName, publicUrl: config.publicUrl };
}

export type SmtpOptions = SMTPTransportOptions;

export type MailDelivery =
  | { mode: 'captured' }
  | {
      mode: 'smtp';
      source: 'environment' | 'settings';
      transport: SmtpOptions;
      from: string;
      /** host:port, for error messages; never the credentials. */
      server: string;
    };

// nodemailer waits minutes by default; a worker holding a lease must hear back well within it.
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000 } as const;

/** Everything needed to send right now, with the SMTP password decrypted. Environment variables win. */
export async function resolveMailDelivery(db: Database, config: Config): Promise<MailDelivery> {
  const settings = await readMailSettings(db);
  const from = config.mail.from ?? settings.fromAddress ?? `"${settings.instanceName.replace(/["\\]/g, '')}" <foyer@${config.publicUrl.hostname}>`;
  if (config.mail.smtpUrl) {
    const url = new URL(config.mail.smtpUrl);
    const port = url.port || (url.protocol === 'smtps:' ? '465' : '587');
    return { mode: 'smtp', source: 'environment', transport: { url: config.mail.smtpUrl, ...TIMEOUTS }, from, server: `${url.hostname}:${port}` };
  }
  if (!settings.host) return { mode: 'captured' };
  const password = settings.passwordSealed ? secretBox(config).open(settings.passwordSealed, PASSWORD_PURPOSE) : null;
  return {
    mode: 'smtp',
    source: 'settings',
    transport: {
      host: settings.host,
      port: settings.port,
      secure: settings.tlsMode === 'tls',
      requireTLS: settings.tlsMode === 'starttls',
      ignoreTLS: settings.tlsMode === 'none',
      ...(settings.username ? { auth: { user: settings.username, pass: password ?? '' } } : {}),
      ...TIMEOUTS,
    },
    from,
    server: `${settings.host}:${settings.port}`,
  };
}

export const mailSettingsSection = defineSettingsSection({
  field: 'mail',
  permission: 'settings.manage',
  routesPeoplesMessages: true,
  view: mailSettingsView,
  patch: mailSettingsPatch,
  async read(db, { config }) {
    const s = await readMailSettings(db);
    return {
      host: s.host,
      port: s.port,
      tlsMode: s.tlsMode,
      username: s.username,
      passwordSet: s.passwordSealed !== null,
      fromAddress: s.fromAddress,
      instanceName: s.instanceName,
      delivery: await mailDeliveryMode(db, config),
      environment: { smtpUrl: Boolean(config.mail.smtpUrl), mailFrom: Boolean(config.mail.from) },
    };
  },
  async write(tx, context, patch, { config }) {
    const current = await readMailSettings(tx);
    const next: StoredMailSettings = {
      host: patch.host === undefined ? current.host : patch.host || null,
      port: patch.port ?? current.port,
      tlsMode: patch.tlsMode ?? current.tlsMode,
      username: patch.username === undefined ? current.username : patch.username || null,
      passwordSealed:
        patch.password === undefined
          ? current.passwordSealed
          : patch.password
            ? secretBox(config).seal(patch.password, PASSWORD_PURPOSE)
            : null,
      fromAddress: patch.fromAddress === undefined ? current.fromAddress : patch.fromAddress || null,
      instanceName: patch.instanceName ?? current.instanceName,
    };
    await writeSettings(tx, context, SETTINGS_KEY, storedMailSettings, next, ['passwordSealed']);
  },
});
