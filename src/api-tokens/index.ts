/** What other features may use of api-tokens; everything else in src/api-tokens/ is its own business. */
export { resolveApiToken, tokenCreatorOf, tokenNamesOf } from './service.js';
