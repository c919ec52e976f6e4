import type { Schemas } from '../api';

export type SsoProvider = Schemas['SsoProvider'];

export type ConnectionTest = Schemas['SsoConnectionTest'];
