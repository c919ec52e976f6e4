import { ApiError, call, client, type Schemas } from '../api';
import type { paths } from '../api/schema';

/** The sections this administrator may see: each is absent without its permission. */
export type Settings = Schemas['Settings'];
export type SettingsChange = paths['/api/v1/admin/settings']['patch']['requestBody']['content']['application/json'];

export const readSettings = () => call(client.GET('/api/v1/admin/settings'));
export const saveSettings = (change: SettingsChange) => call(client.PATCH('/api/v1/admin/settings', { body: change }));

/** One section of a settings reply; a section the server left out is one this person may not see. */
export function section<K extends keyof Settings>(settings: Settings, key: K): NonNullable<Settings[K]> {
  const value = settings[key];
  if (value === undefined) throw new ApiError(403, 'forbidden', 'You are not allowed to see these settings.');
  return value as NonNullable<Settings[K]>;
}
