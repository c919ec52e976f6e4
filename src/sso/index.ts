/** What other features may use of sso; everything else in src/sso/ is its own business. */
export { enabledSsoProviders } from './providers.js';
export { readSsoSettings, ssoSettingsSection } from './settings.js';
