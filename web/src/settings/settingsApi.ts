import { ApiError, call, client, type Schemas } from '../api';
import { invalidate, queryClient, useServerData } from '../api/queries';
import type { paths } from '../api/schema';
import { MAIL_STATUS } from '../mail/mailWording';
import { SIGN_IN_OPTIONS } from '../sign-in/useSignInOptions';

/** The sections this administrator may see: each is absent without its permission. */
export type Settings = Schemas['Settings'];
export type SettingsChange = paths['/api/v1/admin/settings']['patch']['requestBody']['content']['application/json'];

/** One cache entry for every settings card: the Authentication page's four cards share a single request. */
export const SETTINGS = ['settings'];

export const readSettings = () => call(client.GET('/api/v1/admin/settings'));

/**
 * Saves a change. The reply is the settings as they now are, so it replaces the cached ones and every card on the
 * screen shows it; the sign-in options (passwords, access requests, SSO hint) and the mail status (SMTP) follow
 * from the settings.
 */
export async function saveSettings(change: SettingsChange): Promise<Settings> {
  const saved = await call(client.PATCH('/api/v1/admin/settings', { body: change }));
  queryClient.setQueryData(SETTINGS, saved);
  void invalidate(SIGN_IN_OPTIONS, MAIL_STATUS);
  return saved;
}

/**
 * A refused save's field messages for one card: the settings API names fields under their section
 * (`invitations.invitationTtlDays`), the card's form by the field alone.
 */
export function sectionFieldErrors(error: ApiError, section: keyof SettingsChange): Record<string, string> {
  const prefix = `${section}.`;
  return Object.fromEntries(Object.entries(error.fields).map(([name, message]) => [name.startsWith(prefix) ? name.slice(prefix.length) : name, message]));
}

/** The settings this administrator may see, or null while they load. */
export function useSettings(): { settings: Settings | null; error: ApiError | null } {
  const { data, error } = useServerData(SETTINGS, readSettings);
  return { settings: data, error };
}

/** One section of a settings reply; a section the server left out is one this person may not see. */
export function section<K extends keyof Settings>(settings: Settings, key: K): NonNullable<Settings[K]> {
  const value = settings[key];
  if (value === undefined) throw new ApiError(403, 'forbidden', 'You are not allowed to see these settings.');
  return value as NonNullable<Settings[K]>;
}
