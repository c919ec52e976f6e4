/** What other features may use of access-requests; everything else in src/access-requests/ is its own business. */
export { createSsoRegistrationRequest, domainNotAllowed, readRegistrationSettings } from './service.js';
export { accessRequestFormOpen, registrationSettingsSection } from './settings.js';
export { countPendingAccessRequests } from './counts.js';
