/** What other features may use of settings; everything else in src/settings/ is its own business. */
export { domainOf, isEmailDomainAllowed, readAllowedDomains } from './allowed-domains.js';
export { defineSettingsSection } from './sections.js';
export { readSettings, settingsSavedAt, writeSettings } from './service.js';
