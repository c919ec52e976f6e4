import type { Schemas } from '../api';

export type { Settings } from './settingsApi';
export type MailSettings = Schemas['MailSettings'];
export type TlsMode = MailSettings['tlsMode'];
