/** What other features may use of settings; everything else in src/settings/ is its own business. */
export { domainOf, isEmailDomainAllowed } from './allowed-domains.js';
export { defineSettingsSection } from './sections.js';
export { readSettings, writeSettings } from './service.js';
